namespace Vpf.Kernels.Tests;

// The fused draw must equal σ then Bernoulli bit for bit on every path; the lateral draw is checked against a direct
// oracle that recomputes every field from scratch (sequential Gibbs by definition) and must not depend on threads.
[Collection("KernelSettings")]
public sealed class GibbsConditionalTests
{
    [Fact]
    public void Fused_draw_equals_sigmoid_then_bernoulli_bit_for_bit_on_every_path()
    {
        VectorWidth.Each(bits =>
        {
            foreach (var (rows, n) in new[] { (1, 1), (3, 7), (5, 33), (40, 1000) })
            {
                float[] input = Data.Uniform(rows * n, -6, 6, rows + n), bias = Data.Uniform(n, -1, 1, n);
                var p = new float[rows * n];
                var expected = new float[rows * n];
                FieldActivation.Sigmoid(input, bias, p, rows, 0.7f);
                Bernoulli.Sample(p, expected, 99);
                var probabilities = new float[rows * n];
                var states = new float[rows * n];
                GibbsConditional.SampleIndependent(input, bias, probabilities, states, rows, 0.7f, 99);
                Data.BitEqual(p, probabilities, $"bits {bits} {rows}x{n} p");
                Data.BitEqual(expected, states, $"bits {bits} {rows}x{n} x");
                // In place: input, probabilities and states all one buffer.
                var inPlace = (float[])input.Clone();
                GibbsConditional.SampleIndependent(inPlace, bias, inPlace, inPlace, rows, 0.7f, 99);
                Data.BitEqual(expected, inPlace, $"bits {bits} {rows}x{n} in place");
            }
        });
    }

    private static (float[] States, float[] P) Oracle(float[] input, float[] lateral, float[] bias, float[] start, int rows, int n, float scale,
        ulong key, ulong[]? rowKeys, bool[]? fixedUnits)
    {
        var x = (float[])start.Clone();
        var p = new float[rows * n];
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < n; k++)
            {
                int i = r * n + k;
                if (fixedUnits is not null && fixedUnits[i]) { p[i] = x[i]; continue; }
                double u = input[i];
                for (int j = 0; j < n; j++) u += (double)lateral[k * n + j] * x[r * n + j];
                p[i] = (float)(1 / (1 + Math.Exp(-(scale * u + bias[k]))));
                float uniform = rowKeys is null ? CounterRandom.Uniform(key, (uint)i) : CounterRandom.Uniform(rowKeys[r], (uint)k);
                x[i] = uniform < p[i] ? 1f : 0f;
            }
        return (x, p);
    }

    private static float[] Symmetric(int n, int seed)
    {
        var random = new Random(seed);
        var l = new float[n * n];
        for (int k = 0; k < n; k++)
            for (int j = k + 1; j < n; j++) l[k * n + j] = l[j * n + k] = (float)(random.NextDouble() - 0.5);
        return l;
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Lateral_draw_is_sequential_gibbs_by_definition(bool perRowKeys, bool withFixed)
    {
        const int rows = 6, n = 37;
        float[] input = Data.Uniform(rows * n, -2, 2, 1), bias = Data.Uniform(n, -1, 1, 2), lateral = Symmetric(n, 3);
        var start = Data.Uniform(rows * n, 0, 1, 4).Select(u => u < 0.5f ? 1f : 0f).ToArray();
        ulong[]? keys = perRowKeys ? Enumerable.Range(0, rows).Select(r => (ulong)(1000 + r)).ToArray() : null;
        bool[]? fixedUnits = withFixed ? Enumerable.Range(0, rows * n).Select(i => i % 3 == 0).ToArray() : null;
        var (expected, expectedP) = Oracle(input, lateral, bias, start, rows, n, 0.8f, 77, keys, fixedUnits);
        VectorWidth.Each(bits =>
        {
            var states = (float[])start.Clone();
            var field = (float[])input.Clone();
            var p = new float[rows * n];
            GibbsConditional.SampleLateral(field, lateral, bias, p, states, rows, 0.8f, 77, keys, fixedUnits);
            // The running field differs from the recomputed one by rounding only: a draw may flip only where U sits within
            // rounding of p, which these fixed keys avoid; probabilities agree to float rounding.
            Data.BitEqual(expected, states, $"bits {bits} states");
            for (int i = 0; i < p.Length; i++) Data.Close(expectedP[i], p[i], 1e-5, 1e-6, $"bits {bits} p[{i}]");
        });
    }

    [Fact]
    public void Lateral_draw_does_not_depend_on_the_thread_count()
    {
        const int rows = 64, n = 100;
        float[] input = Data.Uniform(rows * n, -2, 2, 5), bias = Data.Uniform(n, -1, 1, 6), lateral = Symmetric(n, 7);
        float[] Run(int threads) => VectorWidth.Threads(threads, () =>
        {
            var states = new float[rows * n];
            var p = new float[rows * n];
            GibbsConditional.SampleLateral((float[])input.Clone(), lateral, bias, p, states, rows, 1f, 8);
            return states;
        });
        var one = Run(1);
        Data.BitEqual(one, Run(2), "2 threads");
        Data.BitEqual(one, Run(3), "3 threads");
        Assert.InRange(one.Average(), 0.2, 0.8);
    }
}
