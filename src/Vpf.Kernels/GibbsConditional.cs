using System.Runtime.Intrinsics;
using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels;

/// <summary>
/// The Gibbs conditional of one layer of a batch of chains (one chain per row): each unit is drawn as
/// x = 1 when U &lt; p, p = σ(scale·u + bias), with U the counter-based uniform of <see cref="CounterRandom"/>. A layer
/// without lateral weights is drawn at once (fused sigmoid and draw); a layer with lateral weights unit by unit, each
/// unit seeing the current states of the others, with chains spread over threads.
/// </summary>
/// <remarks>
/// Stream of unit k of chain r: with <c>rowKeys</c> empty, counter r·n + k of <c>key</c> (as <see cref="Bernoulli.Sample"/>
/// numbers a batch); otherwise counter k of rowKeys[r], so that a chain's draws do not depend on the batch it is in.
/// Chains are independent, so neither threads nor vector widths change which state is drawn beyond the rounding of σ.
/// </remarks>
public static unsafe class GibbsConditional
{
    /// <summary>
    /// Draws a layer without lateral weights: probabilities = σ(scale·input + bias) and states = 1[U &lt; p], in one pass
    /// per chunk. Bit for bit the same as <see cref="FieldActivation.Sigmoid"/> followed by <see cref="Bernoulli.Sample"/>.
    /// Any of input, probabilities and states may be the same memory. Element i draws counter
    /// <paramref name="firstCounter"/> + i, so a slice of the chains of a larger batch draws what the whole batch would give it.
    /// </summary>
    public static void SampleIndependent(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Span<float> probabilities, Span<float> states,
        int rows, float scale, ulong key, uint firstCounter = 0)
    {
        Validate.Rows(rows);
        int n = bias.Length;
        int total = Validate.Product(rows, n, "rows × bias.Length");
        string what = $"rows × bias.Length = {rows} × {n}";
        Validate.Length(input.Length, total, nameof(input), what);
        Validate.Length(probabilities.Length, total, nameof(probabilities), what);
        Validate.Length(states.Length, total, nameof(states), what);
        Validate.SameOrDisjoint(input[..total], probabilities[..total], nameof(input), nameof(probabilities));
        Validate.SameOrDisjoint(probabilities[..total], states[..total], nameof(probabilities), nameof(states));
        Validate.Disjoint(bias, probabilities[..total], nameof(bias), nameof(probabilities));
        if (total == 0) return;
        if ((ulong)firstCounter + (ulong)total > 1ul << 32)
            throw new ArgumentOutOfRangeException(nameof(firstCounter), firstCounter, $"counters {firstCounter} + {total} run past 2^32.");
        var (key0, key1) = CounterRandom.KeyWords(key);
        int width = VectorPath.Current;
        fixed (float* pi = input, pb = bias, pp = probabilities, ps = states)
        {
            Chunks.Run(total, new Fused
            {
                Sigmoid = new RowBias<ScaledSigmoidOperator>.Body { Input = pi, Bias = pb, Output = pp, N = n, Total = total, Parameter = scale, Width = width },
                Draw = new CounterMap<BernoulliOperator>.Body { X = pp, Output = ps, Length = total, Key0 = key0, Key1 = key1, First = firstCounter, Width = width },
            });
        }
    }

    /// <summary>
    /// Draws a layer with lateral weights L (n × n, symmetric, zero diagonal) unit by unit in index order.
    /// </summary>
    /// <param name="field">On entry rows × n input from the other layers (no bias); on return that input plus x·L of the final states.</param>
    /// <param name="lateral">L, n × n.</param>
    /// <param name="bias">Bias of the layer.</param>
    /// <param name="probabilities">Receives p of every drawn unit (a fixed unit: its state).</param>
    /// <param name="states">rows × n current states, updated in place.</param>
    /// <param name="rows">Number of chains.</param>
    /// <param name="scale">Multiplies the field (inverse temperature), not the bias.</param>
    /// <param name="key">Stream key when <paramref name="rowKeys"/> is empty.</param>
    /// <param name="rowKeys">One stream key per chain, or empty.</param>
    /// <param name="fixedUnits">rows × n flags of units that keep their state, or empty.</param>
    /// <param name="firstCounter">With one stream key: unit k of row r draws counter firstCounter + r·n + k, so a slice of the
    /// chains of a larger batch draws what the whole batch would give it.</param>
    public static void SampleLateral(Span<float> field, ReadOnlySpan<float> lateral, ReadOnlySpan<float> bias, Span<float> probabilities,
        Span<float> states, int rows, float scale, ulong key, ReadOnlySpan<ulong> rowKeys = default, ReadOnlySpan<bool> fixedUnits = default,
        uint firstCounter = 0)
    {
        Validate.Rows(rows);
        int n = bias.Length;
        int total = Validate.Product(rows, n, "rows × bias.Length");
        string what = $"rows × bias.Length = {rows} × {n}";
        Validate.Length(field.Length, total, nameof(field), what);
        Validate.Length(probabilities.Length, total, nameof(probabilities), what);
        Validate.Length(states.Length, total, nameof(states), what);
        Validate.Length(lateral.Length, (long)n * n, nameof(lateral), $"n × n = {n} × {n}");
        if (!rowKeys.IsEmpty) Validate.Length(rowKeys.Length, rows, nameof(rowKeys), "one per row");
        if (!fixedUnits.IsEmpty) Validate.Length(fixedUnits.Length, total, nameof(fixedUnits), what);
        Validate.Disjoint(field[..total], states[..total], nameof(field), nameof(states));
        Validate.Disjoint(probabilities[..total], states[..total], nameof(probabilities), nameof(states));
        if (total == 0) return;
        if ((ulong)firstCounter + (ulong)total > 1ul << 32)
            throw new ArgumentOutOfRangeException(nameof(firstCounter), firstCounter, $"counters {firstCounter} + {total} run past 2^32.");
        // The lateral input of the current states; each change of a unit then updates every field of its row.
        MatrixProduct.Multiply(states[..total], lateral, field, rows, n, n, accumulate: true);
        fixed (float* pf = field, pl = lateral, pb = bias, pp = probabilities, ps = states)
        fixed (ulong* pk = rowKeys)
        fixed (bool* pfix = fixedUnits)
        {
            var body = new Sequential
            {
                Field = pf, Lateral = pl, Bias = pb, Probabilities = pp, States = ps, RowKeys = rowKeys.IsEmpty ? null : pk,
                Fixed = fixedUnits.IsEmpty ? null : pfix, N = n, Scale = scale, Key = key, FirstCounter = firstCounter, Width = VectorPath.Current,
            };
            int threads = Math.Min(KernelSettings.MaxThreads, rows);
            if (threads <= 1 || (long)rows * n * n < 1 << 16)
                for (int r = 0; r < rows; r++) body.Row(r);
            else
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
                {
                    int first = (int)((long)rows * t / threads), end = (int)((long)rows * (t + 1) / threads);
                    for (int r = first; r < end; r++) body.Row(r);
                });
        }
    }

    private struct Fused : IChunkBody
    {
        public RowBias<ScaledSigmoidOperator>.Body Sigmoid;
        public CounterMap<BernoulliOperator>.Body Draw;

        public readonly void Run(int chunk)
        {
            Sigmoid.Run(chunk);
            Draw.Run(chunk);
        }
    }

    private struct Sequential
    {
        public float* Field, Lateral, Bias, Probabilities, States;
        public ulong* RowKeys;
        public bool* Fixed;
        public int N, Width;
        public float Scale;
        public ulong Key;
        public uint FirstCounter;

        public readonly void Row(int r)
        {
            int n = N;
            long offset = (long)r * n;
            float* u = Field + offset, x = States + offset, p = Probabilities + offset;
            bool* fixedRow = Fixed is null ? null : Fixed + offset;
            var (key0, key1) = CounterRandom.KeyWords(RowKeys is null ? Key : RowKeys[r]);
            uint first = RowKeys is null ? FirstCounter + (uint)offset : 0u;
            for (int k = 0; k < n; k++)
            {
                if (fixedRow is not null && fixedRow[k])
                {
                    p[k] = x[k];
                    continue;
                }
                float pk = SigmoidOperator.Invoke(Scale * u[k] + Bias[k]);
                p[k] = pk;
                float next = CounterRandom.ToUnit(CounterRandom.Hash(first + (uint)k, key0, key1)) < pk ? 1f : 0f;
                float change = next - x[k];
                if (change == 0f) continue;
                x[k] = next;
                AddScaled(Lateral + (long)k * n, u, change, n, Width);
            }
        }

        /// <summary>u += δ·row (δ = ±1, so every path gives the same sums).</summary>
        private static void AddScaled(float* row, float* u, float delta, int n, int width)
        {
            int j = 0;
            if (width >= 256)
            {
                var d = Vector256.Create(delta);
                for (; j <= n - Vector256<float>.Count; j += Vector256<float>.Count)
                    (Vector256.Load(u + j) + d * Vector256.Load(row + j)).Store(u + j);
            }
            else if (width >= 128)
            {
                var d = Vector128.Create(delta);
                for (; j <= n - Vector128<float>.Count; j += Vector128<float>.Count)
                    (Vector128.Load(u + j) + d * Vector128.Load(row + j)).Store(u + j);
            }
            for (; j < n; j++) u[j] += delta * row[j];
        }
    }
}
