using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels.Tests;

// The optimiser's pass over a large tensor is split into contiguous blocks over the kernel threads. The element-wise
// steps (Adam, momentum) and, in the centered step, θ, the rule's state and the per-row shifts are per element or per
// row, so every thread count must give the one-thread bits. The centered column shifts are sums over rows: each thread
// sums its block of rows and the partial sums are added in thread order, which is checked exactly by running each
// block alone on one thread, and checked against the sums in double within the float-sum bound of the fused step's tests.
// The split threshold is lowered here so that small shapes (odd sizes, ragged blocks) are split.
[Collection("KernelSettings")]
public sealed class OptimiserPassThreadsTests
{
    private const float Decay = 1e-3f, Beta1 = 0.9f, Beta2 = 0.999f, Eta = 0.01f, Epsilon = 1e-8f, Momentum = 0.5f;
    private const long LoweredThreshold = 24;
    private static readonly int[] Lengths = [1, 7, 23, 24, 25, 47, 48, 49, 71, 72, 73, 100, 257];
    private static readonly (int N, int M)[] Shapes = [(1, 9), (3, 8), (4, 6), (5, 5), (5, 9), (7, 7), (8, 3), (9, 17), (13, 33), (17, 5), (23, 16)];

    [Fact]
    public void The_pass_runs_on_one_thread_below_the_threshold_and_on_at_most_max_threads_above_it()
    {
        using var scope = new Scope(threads: 2);
        Assert.Equal(1L << 16, DescentPass.MinElementsPerThread);
        Assert.Equal(1, DescentPass.Threads((1 << 17) - 1, int.MaxValue));
        Assert.Equal(2, DescentPass.Threads(1 << 17, int.MaxValue));
        Assert.Equal(2, DescentPass.Threads(784 * 500, 196)); // the RBM 784-500's weights in four-row groups
        Assert.Equal(1, DescentPass.Threads(1 << 20, 1)); // one block cannot be split
        KernelSettings.MaxThreads = 1;
        Assert.Equal(1, DescentPass.Threads(1 << 20, int.MaxValue));
        KernelSettings.MaxThreads = 8;
        Assert.Equal(5, DescentPass.Threads(5 << 16, int.MaxValue));
        // Blocks are whole groups, cover the range once, and the last one takes the remainder.
        Assert.Equal([0, 8, 16, 25], Enumerable.Range(0, 4).Select(t => DescentPass.BlockStart(25, 4, t, 3)).ToArray());
    }

    [Theory]
    [InlineData("Adam")]
    [InlineData("Momentum")]
    public void The_element_wise_steps_give_the_one_thread_bits_on_any_thread_count_and_momentum_the_bits_of_its_scalar_loop(string rule)
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in Lengths)
            {
                var c = Case.Create(n, 1, seed: n);
                var one = Run(1, () => c.Plain(rule));
                foreach (int threads in new[] { 2, 3 })
                {
                    var split = Run(threads, () => c.Plain(rule));
                    string where = $"{rule}, n = {n}, {bits} bits, {threads} threads";
                    Data.BitEqual(one.Theta, split.Theta, $"{where}: theta");
                    Data.BitEqual(one.First, split.First, $"{where}: first state");
                    Data.BitEqual(one.Second, split.Second, $"{where}: second state");
                }
                if (rule == "Momentum")
                {
                    // The loop the optimiser ran before it called the kernel.
                    float[] theta = (float[])c.Theta.Clone(), v = (float[])c.First.Clone();
                    for (int i = 0; i < n; i++)
                    {
                        v[i] = Momentum * v[i] + c.Gradient[i] + Decay * theta[i];
                        theta[i] -= Eta * v[i];
                    }
                    Data.BitEqual(theta, one.Theta, $"n = {n}, {bits} bits: theta of the scalar loop");
                    Data.BitEqual(v, one.First, $"n = {n}, {bits} bits: velocity of the scalar loop");
                }
            }
        });
    }

    [Theory]
    [InlineData("Adam")]
    [InlineData("Momentum")]
    public void The_centered_step_on_several_threads_gives_the_one_thread_weights_state_and_row_shifts_and_column_shifts_summed_block_by_block(string rule)
    {
        VectorWidth.Each(bits =>
        {
            foreach (var (n, m) in Shapes)
            {
                var c = Case.Create(n, m, seed: 31 * n + m);
                var one = Run(1, () => c.Centered(rule));
                foreach (int threads in new[] { 2, 3 })
                {
                    var split = Run(threads, () => c.Centered(rule));
                    string where = $"{rule}, {n} × {m}, {bits} bits, {threads} threads";
                    Data.BitEqual(one.Theta, split.Theta, $"{where}: theta");
                    Data.BitEqual(one.First, split.First, $"{where}: first state");
                    Data.BitEqual(one.Second, split.Second, $"{where}: second state");
                    Data.BitEqual(one.RowShift, split.RowShift, $"{where}: row shifts");

                    // Each block of rows alone, on one thread, its column shifts added in block order.
                    int blocks;
                    using (new Scope(threads, LoweredThreshold)) blocks = DescentPass.Threads((long)n * m, (n + 3) / 4);
                    float[] columns = new float[m];
                    for (int t = 0; t < blocks; t++)
                    {
                        int first = DescentPass.BlockStart(n, 4, t, blocks), end = DescentPass.BlockStart(n, 4, t + 1, blocks);
                        var block = Run(1, () => c.Rows(first, end).Centered(rule));
                        for (int j = 0; j < m; j++) columns[j] += block.ColumnShift[j];
                    }
                    Data.BitEqual(columns, split.ColumnShift, $"{where}: column shifts ({blocks} blocks)");

                    for (int j = 0; j < m; j++)
                    {
                        double sum = 0, scale = 0;
                        for (int i = 0; i < n; i++)
                        {
                            double term = c.A[i] * ((double)split.Theta[i * m + j] - c.Theta[i * m + j]);
                            (sum, scale) = (sum + term, scale + Math.Abs(term));
                        }
                        double bound = (n + 2) * Math.Pow(2, -23) * scale + 1e-30;
                        Data.Close(sum, split.ColumnShift[j], 0, bound, $"{where}: column shift {j} against its sum in double");
                        Data.Close(one.ColumnShift[j], split.ColumnShift[j], 0, 2 * bound, $"{where}: column shift {j} against one thread");
                    }
                }
            }
        });
    }

    [Fact]
    public void On_one_thread_a_large_matrix_is_not_split_and_its_column_shifts_are_the_row_order_sums()
    {
        // MaxThreads = 1 keeps the walk of the code before the split: rows stepped in order into one column buffer.
        var c = Case.Create(13, 33, seed: 3);
        var whole = Run(1, () => c.Centered("Adam"));
        float[] columns = new float[33];
        for (int i = 0; i < 13; i++)
        {
            var row = Run(1, () => c.Rows(i, i + 1).Centered("Adam"));
            Data.BitEqual(row.Theta, whole.Theta[(i * 33)..((i + 1) * 33)], $"row {i}: theta");
            Data.BitEqual(row.RowShift, [whole.RowShift[i]], $"row {i}: row shift");
            for (int j = 0; j < 33; j++) columns[j] += row.ColumnShift[j];
        }
        Data.BitEqual(columns, whole.ColumnShift, "column shifts");
    }

    private static T Run<T>(int threads, Func<T> f)
    {
        using var scope = new Scope(threads);
        return f();
    }

    /// <summary>Sets the thread count and the lowered split threshold, restoring both on dispose.</summary>
    private sealed class Scope : IDisposable
    {
        private readonly int _threads = KernelSettings.MaxThreads;
        private readonly long _threshold = DescentPass.MinElementsPerThread;

        public Scope(int threads, long threshold = -1)
        {
            KernelSettings.MaxThreads = threads;
            if (threshold > 0) DescentPass.MinElementsPerThread = threshold;
        }

        public void Dispose()
        {
            KernelSettings.MaxThreads = _threads;
            DescentPass.MinElementsPerThread = _threshold;
        }
    }

    private sealed record Result(float[] Theta, float[] First, float[] Second, float[] ColumnShift, float[] RowShift);

    /// <summary>One n × m tensor with its state, offsets and bias gradients.</summary>
    private sealed record Case(int N, int M, float[] Theta, float[] Gradient, float[] First, float[] Second, float[] A, float[] AUpper, float[] GLower, float[] GUpper)
    {
        public static Case Create(int n, int m, int seed) => new(n, m,
            Data.Uniform(n * m, -0.5f, 0.5f, seed), Data.Uniform(n * m, -1, 1, seed + 1),
            Data.Uniform(n * m, -0.1f, 0.1f, seed + 2), Data.Uniform(n * m, 0, 0.01f, seed + 3),
            Data.Uniform(n, 0, 1, seed + 4), Data.Uniform(m, 0, 1, seed + 5), Data.Uniform(n, -0.5f, 0.5f, seed + 6), Data.Uniform(m, -0.5f, 0.5f, seed + 7));

        /// <summary>Rows [first, end) as a matrix of their own.</summary>
        public Case Rows(int first, int end) => new(end - first, M, Theta[(first * M)..(end * M)], Gradient[(first * M)..(end * M)],
            First[(first * M)..(end * M)], Second[(first * M)..(end * M)], A[first..end], AUpper, GLower[first..end], GUpper);

        /// <summary>The uncentered step over all N·M elements, with the split threshold lowered.</summary>
        public Result Plain(string rule)
        {
            float[] theta = (float[])Theta.Clone(), first = (float[])First.Clone(), second = (float[])Second.Clone();
            using (new Scope(KernelSettings.MaxThreads, LoweredThreshold))
            {
                if (rule == "Adam") AdamUpdate.Step(theta, Gradient, first, second, Decay, Beta1, Beta2, Eta, Epsilon);
                else MomentumUpdate.Step(theta, Gradient, first, Decay, Momentum, Eta);
            }
            return new(theta, first, second, [], []);
        }

        /// <summary>The fused centered step, with the split threshold lowered.</summary>
        public Result Centered(string rule)
        {
            float[] theta = (float[])Theta.Clone(), first = (float[])First.Clone(), second = (float[])Second.Clone();
            float[] columnShift = new float[M], rowShift = new float[N];
            var centering = new WeightCentering(A, AUpper, GLower, GUpper, columnShift, rowShift);
            using (new Scope(KernelSettings.MaxThreads, LoweredThreshold))
            {
                if (rule == "Adam") CenteredWeightStep.Adam(theta, Gradient, first, second, centering, Decay, Beta1, Beta2, Eta, Epsilon);
                else CenteredWeightStep.Momentum(theta, Gradient, first, centering, Decay, Momentum, Eta);
            }
            return new(theta, first, second, columnShift, rowShift);
        }
    }
}
