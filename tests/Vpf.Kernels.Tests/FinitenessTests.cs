namespace Vpf.Kernels.Tests;

// The finiteness check is a sum of x·0 over vector lanes and a scalar tail: a NaN or an infinity at any position, in
// the vector body or in the tail, must make it false on every width, and extreme finite values must not.
[Collection("KernelSettings")]
public sealed class FinitenessTests
{
    private static readonly float[] NonFinite = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];

    [Fact]
    public void A_non_finite_value_at_any_position_is_found_on_every_width()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in Data.Lengths)
            {
                float[] x = Data.Uniform(n, -3, 3, n);
                Assert.True(Finiteness.AllFinite(x), $"finite, n = {n}, {bits} bits");
                for (int k = 0; k < n; k++)
                    foreach (float bad in NonFinite)
                    {
                        float saved = x[k];
                        x[k] = bad;
                        Assert.False(Finiteness.AllFinite(x), $"{bad} at {k} of {n}, {bits} bits");
                        x[k] = saved;
                    }
            }
        });
    }

    [Fact]
    public void Extreme_finite_values_are_finite_and_elements_beyond_the_span_are_not_read()
    {
        float[] extremes = [float.MaxValue, -float.MaxValue, float.Epsilon, -float.Epsilon, -0f, 0f, 1e-38f, -3e38f];
        VectorWidth.Each(bits =>
        {
            foreach (int n in Data.Lengths)
            {
                var x = new float[n + 1];
                for (int i = 0; i < n; i++) x[i] = extremes[i % extremes.Length];
                x[n] = float.NaN;
                Assert.True(Finiteness.AllFinite(x.AsSpan(0, n)), $"n = {n}, {bits} bits");
                Assert.False(Finiteness.AllFinite(x), $"NaN last of {n + 1}, {bits} bits");
            }
        });
    }
}
