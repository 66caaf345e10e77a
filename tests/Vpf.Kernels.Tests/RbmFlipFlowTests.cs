namespace Vpf.Kernels.Tests;

// Oracle: the MPF-RBM flow and gradient written from softplus differences in double precision, one flip at a time.
// The kernel works in single precision with a product of factors instead of a sum of softplus differences, so every
// path is compared with the oracle to a stated relative tolerance; thread counts must agree bit for bit.
[Collection("KernelSettings")]
public sealed class RbmFlipFlowTests
{
    private const double Limit = 30;

    private sealed record Case(int Rows, int Nv, int Nh, float[] V, float[] W, float[] B, float[] C);

    private static Case Make(int rows, int nv, int nh, float scale, int seed)
    {
        var random = new Random(seed);
        float Normal() => (float)(scale * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        var v = new float[rows * nv];
        for (int i = 0; i < v.Length; i++) v[i] = random.Next(2);
        return new Case(rows, nv, nh, v,
            Enumerable.Range(0, nv * nh).Select(_ => Normal()).ToArray(),
            Enumerable.Range(0, nv).Select(_ => Normal()).ToArray(),
            Enumerable.Range(0, nh).Select(_ => Normal()).ToArray());
    }

    private static double Softplus(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));
    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>K and (gW, gb, gc) in double from the definitions.</summary>
    private static (double K, double[] W, double[] B, double[] C) Oracle(Case c)
    {
        int nv = c.Nv, nh = c.Nh;
        var gw = new double[nv * nh];
        var gb = new double[nv];
        var gc = new double[nh];
        double total = 0;
        for (int r = 0; r < c.Rows; r++)
        {
            var z = new double[nh];
            for (int j = 0; j < nh; j++)
            {
                z[j] = c.C[j];
                for (int k = 0; k < nv; k++) z[j] += c.V[r * nv + k] * (double)c.W[k * nh + j];
            }
            var g = new double[nh];
            var e = new double[nv];
            for (int k = 0; k < nv; k++)
            {
                double s = 1 - 2 * c.V[r * nv + k];
                double x = s * c.B[k];
                for (int j = 0; j < nh; j++) x += Softplus(z[j] + s * c.W[k * nh + j]) - Softplus(z[j]);
                x = Math.Clamp(0.5 * x, -Limit, Limit);
                e[k] = Math.Exp(x);
                total += e[k];
                gb[k] += 0.5 * s * e[k];
                for (int j = 0; j < nh; j++) g[j] += e[k] * (Sigmoid(z[j] + s * c.W[k * nh + j]) - Sigmoid(z[j]));
            }
            for (int j = 0; j < nh; j++) gc[j] += 0.5 * g[j];
            for (int k = 0; k < nv; k++)
            {
                double s = 1 - 2 * c.V[r * nv + k];
                for (int j = 0; j < nh; j++)
                    gw[k * nh + j] += 0.5 * (c.V[r * nv + k] * g[j] + e[k] * s * Sigmoid(z[j] + s * c.W[k * nh + j]));
            }
        }
        double n = c.Rows;
        return (total / n, gw.Select(x => x / n).ToArray(), gb.Select(x => x / n).ToArray(), gc.Select(x => x / n).ToArray());
    }

    private static (RbmFlipFlowResult Result, float[] W, float[] B, float[] C) Kernel(Case c, RbmFlipFlow? flow = null)
    {
        var gw = new float[c.Nv * c.Nh];
        var gb = new float[c.Nv];
        var gc = new float[c.Nh];
        var result = (flow ?? new RbmFlipFlow()).Evaluate(c.V, c.Rows, c.W, c.B, c.C, gw, gb, gc, Limit);
        return (result, gw, gb, gc);
    }

    /// <summary>Each entry within rel·max|expected| of the tensor (gradient entries near zero are judged on the tensor's scale).</summary>
    private static void Close(double[] expected, float[] actual, double rel, string what)
    {
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= rel * scale,
                $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (tensor scale {scale:E3})");
    }

    public static TheoryData<int, int, int, float> Shapes => new()
    {
        { 1, 1, 1, 0.5f }, { 3, 5, 3, 0.7f }, { 7, 40, 37, 0.3f }, { 4, 33, 64, 1.0f }, { 2, 70, 5, 2.0f }, { 5, 9, 100, 0.1f },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_width_agrees_with_the_double_precision_definition(int rows, int nv, int nh, float scale)
    {
        var c = Make(rows, nv, nh, scale, seed: rows * 1000 + nv * 10 + nh);
        var (k, w, b, bc) = Oracle(c);
        VectorWidth.Each(bits =>
        {
            var (result, gw, gb, gc) = Kernel(c);
            Assert.True(Math.Abs(result.MeanFlow - k) <= 2e-5 * k, $"bits {bits}: K {result.MeanFlow:R} vs {k:R}");
            Assert.Equal(0, result.ClampCount);
            Close(w, gw, 1e-4, $"bits {bits} gW");
            Close(b, gb, 1e-4, $"bits {bits} gb");
            Close(bc, gc, 1e-4, $"bits {bits} gc");
        });
    }

    [Fact]
    public void Large_weights_neither_overflow_nor_lose_the_flow()
    {
        // |W| up to ~60: single factors reach e^{±60}, so unrescaled products of a few would leave the float range.
        var c = Make(rows: 3, nv: 12, nh: 70, scale: 20f, seed: 5);
        var (k, w, _, _) = Oracle(c);
        VectorWidth.Each(bits =>
        {
            var (result, gw, _, _) = Kernel(c);
            Assert.True(double.IsFinite(result.MeanFlow) && gw.All(float.IsFinite), $"bits {bits}: non-finite result");
            Assert.True(Math.Abs(result.MeanFlow - k) <= 1e-3 * k, $"bits {bits}: K {result.MeanFlow:R} vs {k:R}");
            Assert.True(result.ClampCount > 0, "this case is built to hit the exponent limit");
            Close(w, gw, 1e-3, $"bits {bits} gW");
        });
    }

    [Fact]
    public void Thread_count_does_not_change_a_bit_and_buffers_are_reused_correctly()
    {
        var c = Make(rows: 20, nv: 100, nh: 90, scale: 0.3f, seed: 9);
        var flow = new RbmFlipFlow();
        var one = VectorWidth.Threads(1, () => Kernel(c, flow));
        var two = VectorWidth.Threads(2, () => Kernel(c, flow));
        var three = VectorWidth.Threads(3, () => Kernel(Make(20, 100, 90, 0.3f, 9), new RbmFlipFlow()));
        foreach (var other in new[] { two, three })
        {
            Assert.Equal(one.Result, other.Result);
            Data.BitEqual(one.W, other.W, "gW");
            Data.BitEqual(one.B, other.B, "gb");
            Data.BitEqual(one.C, other.C, "gc");
        }
        // A smaller batch through the same (larger) buffers.
        var small = Make(rows: 3, nv: 100, nh: 90, scale: 0.3f, seed: 10);
        Assert.Equal(Kernel(small).Result, Kernel(small, flow).Result);
    }

    [Fact]
    public void Arguments_are_checked_with_their_names()
    {
        var flow = new RbmFlipFlow();
        var w = new float[6];
        Assert.Equal("visible", Assert.Throws<ArgumentException>(() =>
            flow.Evaluate(new float[5], 2, w, new float[3], new float[2], new float[6], new float[3], new float[2], Limit)).ParamName);
        Assert.Equal("weightGradient", Assert.Throws<ArgumentException>(() =>
            flow.Evaluate(new float[6], 2, w, new float[3], new float[2], new float[5], new float[3], new float[2], Limit)).ParamName);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() =>
            flow.Evaluate(new float[6], 0, w, new float[3], new float[2], new float[6], new float[3], new float[2], Limit)).ParamName);
    }
}
