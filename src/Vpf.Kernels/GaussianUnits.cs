using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels;

/// <summary>
/// Kernels of a layer of unit-variance Gaussian units (vpf-math.md §9): the score-matching term that replaces the flip
/// term of binary units in the flow objective, and the Gibbs draw x ~ N(u, 1) around the field u = bias + input.
/// </summary>
internal static class GaussianUnits
{
    /// <summary>
    /// The score-matching terms of a Gaussian layer: with r = x − u, writes δ = −r = ∂(½ r² − 1)/∂u for every element and
    /// returns Σ (½ r² − 1) in <see cref="FlowSums.Phi"/> (accumulated in double; <see cref="FlowSums.Clamped"/> is 0: nothing
    /// is exponentiated). <paramref name="delta"/> may be the same memory as <paramref name="states"/> or <paramref name="field"/>.
    /// </summary>
    public static FlowSums ScoreMatchingTerms(ReadOnlySpan<float> states, ReadOnlySpan<float> field, Span<float> delta)
    {
        int length = field.Length;
        string what = $"field.Length = {length}";
        Validate.Length(states.Length, length, nameof(states), what);
        Validate.Length(delta.Length, length, nameof(delta), what);
        Validate.SameOrDisjoint(field, delta[..length], nameof(field), nameof(delta));
        Validate.SameOrDisjoint(states[..length], delta[..length], nameof(states), nameof(delta));
        // The limit only bounds fields for exponentials; here it never fires (an infinite field gives an infinite term).
        var (sum, _) = ClampedMapSum<ScoreMatchingTermOperator>.Invoke(states, field, delta, length, float.PositiveInfinity);
        return new FlowSums(sum, 0);
    }

    /// <summary>
    /// Draws a Gaussian layer of a batch of chains: means = input + bias (rows × bias.Length) and
    /// states = means + Z with Z ~ N(0, 1) from counter <paramref name="firstCounter"/> + i of stream <paramref name="key"/>
    /// for element i (Box–Muller over the counter-based uniforms of <see cref="CounterRandom"/>): the same uniforms on every
    /// vector path and thread count, the draws equal up to the rounding of the vector logarithm and cosine. Any of input,
    /// means and states may be the same memory.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The counters would run past 2^32.</exception>
    public static void Sample(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Span<float> means, Span<float> states, int rows, ulong key,
        uint firstCounter = 0)
    {
        Validate.Rows(rows);
        int n = bias.Length;
        int total = Validate.Product(rows, n, "rows × bias.Length");
        string what = $"rows × bias.Length = {rows} × {n}";
        Validate.Length(input.Length, total, nameof(input), what);
        Validate.Length(means.Length, total, nameof(means), what);
        Validate.Length(states.Length, total, nameof(states), what);
        Validate.SameOrDisjoint(input[..total], means[..total], nameof(input), nameof(means));
        Validate.SameOrDisjoint(means[..total], states[..total], nameof(means), nameof(states));
        Validate.Disjoint(bias, means[..total], nameof(bias), nameof(means));
        if ((ulong)firstCounter + (ulong)total > 1ul << 32)
            throw new ArgumentOutOfRangeException(nameof(firstCounter), firstCounter, $"counters {firstCounter} + {total} run past 2^32.");
        RowBias<AddBiasOperator>.Invoke(input, bias, means, total, 0f);
        var (key0, key1) = CounterRandom.KeyWords(key);
        CounterMap<GaussianNoiseOperator>.Invoke(means, states, total, key0, key1, firstCounter);
    }

    /// <summary>
    /// The hidden units' errors of marginal score matching on a rows × n_h batch (vpf-math.md §9): on entry
    /// <paramref name="errors"/> holds t = ∂J/∂s through the visible residual, on return e = ∂J/∂a = g·t + g(1 − 2s)·q_j with
    /// s = <paramref name="rates"/> = σ(a), g = s(1 − s) and q = <paramref name="columnSquares"/> (q_j = Σ_i W_ij²).
    /// </summary>
    public static void ScoreMatchingHiddenErrors(ReadOnlySpan<float> rates, ReadOnlySpan<float> columnSquares, Span<float> errors, int rows)
    {
        Validate.Rows(rows);
        int n = columnSquares.Length;
        int total = Validate.Product(rows, n, "rows × columnSquares.Length");
        string what = $"rows × columnSquares.Length = {rows} × {n}";
        Validate.Length(rates.Length, total, nameof(rates), what);
        Validate.Length(errors.Length, total, nameof(errors), what);
        Validate.Disjoint(rates[..total], errors[..total], nameof(rates), nameof(errors));
        Validate.Disjoint(columnSquares, errors[..total], nameof(columnSquares), nameof(errors));
        RowBias<ScoreMatchingHiddenOperator>.Invoke(rates, columnSquares, errors, total, 0f);
    }
}
