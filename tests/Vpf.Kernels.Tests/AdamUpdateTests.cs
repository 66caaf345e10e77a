namespace Vpf.Kernels.Tests;

// The Adam step uses plain multiplies and adds and correctly rounded square roots and divisions, so every width must
// give the bits of the scalar definition written out below.
[Collection("KernelSettings")]
public sealed class AdamUpdateTests
{
    private const float Decay = 1e-3f, Beta1 = 0.9f, Beta2 = 0.999f, Eta = 0.01f, Epsilon = 1e-8f;

    [Fact]
    public void Every_width_gives_the_bits_of_the_definition_for_every_length()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in Data.Lengths)
            {
                float[] theta = Data.Uniform(n + 1, -1, 1, n), g = Data.Uniform(n + 1, -2, 2, n + 1);
                float[] m = Data.Uniform(n + 1, -0.1f, 0.1f, n + 2), s = Data.Uniform(n + 1, 0, 0.01f, n + 3);
                float[] t2 = (float[])theta.Clone(), m2 = (float[])m.Clone(), s2 = (float[])s.Clone();
                for (int i = 0; i < n; i++)
                {
                    float gi = g[i] + Decay * t2[i];
                    m2[i] = Beta1 * m2[i] + (1 - Beta1) * gi;
                    s2[i] = Beta2 * s2[i] + (1 - Beta2) * (gi * gi);
                    t2[i] -= Eta * m2[i] / (MathF.Sqrt(s2[i]) + Epsilon);
                }
                AdamUpdate.Step(theta.AsSpan(0, n), g.AsSpan(0, n), m.AsSpan(0, n), s.AsSpan(0, n), Decay, Beta1, Beta2, Eta, Epsilon);
                Data.BitEqual(t2, theta, $"theta, n = {n}, {bits} bits");
                Data.BitEqual(m2, m, $"first moment, n = {n}, {bits} bits");
                Data.BitEqual(s2, s, $"second moment, n = {n}, {bits} bits");
            }
        });
    }

    [Fact]
    public void A_short_moment_is_rejected_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => AdamUpdate.Step(new float[5], new float[5], new float[5], new float[4], 0, 0.9f, 0.999f, 0.01f, 1e-8f));
        Assert.Equal("second", e.ParamName);
    }
}
