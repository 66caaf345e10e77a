namespace Vpf.Kernels.Tests;

// Tolerances: the kernels compute σ(z) = 1 / (1 + e^{−z}) in single precision, with MathF.Exp (scalar) or
// Vector128/256.Exp; against a double-precision reference of the same single-precision z the error is a few ulps,
// so the tests allow 1e-6 relative (about 8–16 ulps) plus 1e-44 absolute for denormal results near z = −88.
// Scalar versus vector paths agree within 4 ulps; 256-bit versus 128-bit are bit-identical.
[Collection("KernelSettings")]
public sealed class FieldActivationTests
{
    private const double Rel = 1e-6, Abs = 1e-44;

    private static double SigmoidRef(float z) => 1d / (1d + Math.Exp(-Math.Clamp((double)z, -88d, 88d)));

    private static IEnumerable<(int Rows, int N)> Shapes()
    {
        foreach (int len in Data.Lengths)
        {
            yield return (1, len);
            yield return (len, 1);
        }
        foreach (var shape in new[] { (3, 5), (3, 9), (5, 17), (7, 33), (2, 70), (4, 12), (0, 8), (6, 0) })
            yield return shape;
    }

    [Fact]
    public void BroadcastBias_copies_the_bias_into_every_row()
    {
        foreach (var (rows, n) in Shapes())
        {
            float[] bias = Data.Uniform(n, -1, 1, 1);
            var field = new float[rows * n + 2];
            field[^1] = field[^2] = 42f;
            FieldActivation.BroadcastBias(bias, field, rows);
            for (int r = 0; r < rows; r++)
                for (int i = 0; i < n; i++) Assert.Equal(bias[i], field[r * n + i]);
            Assert.Equal(42f, field[^1]);
            Assert.Equal(42f, field[^2]);
        }
    }

    [Fact]
    public void BroadcastBias_rejects_a_short_field_and_negative_rows()
    {
        var e = Assert.Throws<ArgumentException>(() => FieldActivation.BroadcastBias(new float[5], new float[14], 3));
        Assert.Equal("field", e.ParamName);
        Assert.Contains("15", e.Message);
        Assert.Contains("14", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => FieldActivation.BroadcastBias(new float[5], new float[14], -1));
    }

    [Fact]
    public void Sigmoid_matches_the_double_reference_for_every_shape_width_and_scale()
    {
        VectorWidth.Each(bits =>
        {
            foreach (float scale in new[] { 1f, 2f, -0.5f })
                foreach (var (rows, n) in Shapes())
                {
                    float[] input = Data.Uniform(rows * n, -12, 12, rows * 100 + n);
                    float[] bias = Data.Uniform(n, -3, 3, n);
                    var rates = new float[rows * n + 1];
                    rates[^1] = -7f;
                    FieldActivation.Sigmoid(input, bias, rates, rows, scale);
                    for (int r = 0; r < rows; r++)
                        for (int i = 0; i < n; i++)
                        {
                            float z = scale * input[r * n + i] + bias[i];
                            Data.Close(SigmoidRef(z), rates[r * n + i], Rel, Abs, $"bits {bits} {rows}×{n} scale {scale} [{r},{i}]");
                        }
                    Assert.Equal(-7f, rates[^1]); // nothing written past rows × n
                }
        });
    }

    [Fact]
    public void Sigmoid_in_place_equals_out_of_place()
    {
        VectorWidth.Each(bits =>
        {
            foreach (var (rows, n) in Shapes())
            {
                float[] input = Data.Uniform(rows * n, -10, 10, 7 + n);
                float[] bias = Data.Uniform(n, -2, 2, 3);
                var expected = new float[rows * n];
                FieldActivation.Sigmoid(input, bias, expected, rows, 2f);
                float[] inPlace = (float[])input.Clone();
                FieldActivation.Sigmoid(inPlace, bias, inPlace, rows, 2f);
                Data.BitEqual(expected, inPlace, $"bits {bits} {rows}×{n}");
            }
        });
    }

    [Fact]
    public void Sigmoid_on_unaligned_spans()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int offset in new[] { 1, 3 })
                foreach (var (rows, n) in new[] { (1, 37), (3, 11), (5, 8), (2, 70), (9, 1) })
                {
                    int total = rows * n;
                    float[] inputArray = Data.Uniform(total + offset, -9, 9, offset * 31 + n);
                    float[] biasArray = Data.Uniform(n + offset, -1, 1, offset);
                    var ratesArray = new float[total + offset];
                    FieldActivation.Sigmoid(inputArray.AsSpan(offset), biasArray.AsSpan(offset), ratesArray.AsSpan(offset), rows);
                    Assert.Equal(0f, ratesArray[0]);
                    for (int k = 0; k < total; k++)
                    {
                        float z = inputArray[offset + k] + biasArray[offset + k % n];
                        Data.Close(SigmoidRef(z), ratesArray[offset + k], Rel, Abs, $"bits {bits} offset {offset} {rows}×{n} [{k}]");
                    }
                }
        });
    }

    [Fact]
    public void Sigmoid_saturates_without_NaN_and_propagates_NaN()
    {
        float[] specials = [1000f, -1000f, float.PositiveInfinity, float.NegativeInfinity, 88f, -88f, 89f, -89f, float.MaxValue, float.MinValue, 0f, float.NaN];
        VectorWidth.Each(bits =>
        {
            foreach (int length in new[] { 12, 13, 24, 25 }) // specials in the vector body and in the tail
            {
                var input = new float[length];
                for (int i = 0; i < length; i++) input[i] = specials[(i + length) % specials.Length];
                var rates = new float[length];
                FieldActivation.Sigmoid(input, new float[length], rates, 1);
                for (int i = 0; i < length; i++)
                {
                    float z = input[i];
                    if (float.IsNaN(z)) { Assert.True(float.IsNaN(rates[i]), $"bits {bits}: NaN → {rates[i]}"); continue; }
                    Assert.False(float.IsNaN(rates[i]), $"bits {bits}: {z} → NaN");
                    if (z >= 88f) Assert.Equal(1f, rates[i]);
                    else if (z <= -88f) Assert.InRange(rates[i], 0f, 1e-38f);
                    else if (z == 0f) Assert.Equal(0.5f, rates[i]);
                }
            }
        });
    }

    [Fact]
    public void Sigmoid_scalar_and_vector_paths_agree_within_4_ulps_and_vector_widths_exactly()
    {
        float[] input = Data.Uniform(4099, -30, 30, 5);
        float[] bias = Data.Uniform(4099, -1, 1, 6);
        float[] Run(int bits) => VectorWidth.Run(bits, () =>
        {
            var rates = new float[input.Length];
            FieldActivation.Sigmoid(input, bias, rates, 1, 1.5f);
            return rates;
        });
        float[] wide = Run(256), narrow = Run(128), scalar = Run(0);
        Data.BitEqual(wide, narrow, "256 vs 128");
        for (int i = 0; i < input.Length; i++)
            Assert.True(Data.Ulps(wide[i], scalar[i]) <= 4, $"[{i}] {wide[i]:R} vs {scalar[i]:R}");
    }

    [Fact]
    public void Sigmoid_and_damped_step_are_independent_of_the_thread_count()
    {
        VectorWidth.Each(bits =>
        {
            foreach (var (rows, n) in new[] { (97, 1031), (1, 100_003), (70_001, 1) })
            {
                float[] input = Data.Uniform(rows * n, -10, 10, 11);
                float[] bias = Data.Uniform(n, -1, 1, 12);
                float[] start = Data.Uniform(rows * n, 0, 1, 13);
                float[] Sig(int threads) => VectorWidth.Threads(threads, () =>
                {
                    var rates = new float[rows * n];
                    FieldActivation.Sigmoid(input, bias, rates, rows, 2f);
                    return rates;
                });
                float[] Damped(int threads) => VectorWidth.Threads(threads, () =>
                {
                    float[] rates = (float[])start.Clone();
                    FieldActivation.DampedMeanFieldStep(input, bias, rates, rows, 0.3f);
                    return rates;
                });
                float[] one = Sig(1);
                Data.BitEqual(one, Sig(2), $"sigmoid bits {bits} {rows}×{n}");
                Data.BitEqual(Damped(1), Damped(2), $"damped bits {bits} {rows}×{n}");
                for (int k = 0; k < one.Length; k += 997)
                    Data.Close(SigmoidRef(2f * input[k] + bias[k % n]), one[k], Rel, Abs, $"bits {bits} {rows}×{n} [{k}]");
            }
        });
    }

    [Fact]
    public void Sigmoid_rejects_short_spans_negative_rows_and_shifted_aliasing()
    {
        var e = Assert.Throws<ArgumentException>(() => FieldActivation.Sigmoid(new float[15], new float[5], new float[14], 3));
        Assert.Equal("rates", e.ParamName);
        Assert.Contains("15", e.Message);
        Assert.Contains("14", e.Message);
        e = Assert.Throws<ArgumentException>(() => FieldActivation.Sigmoid(new float[10], new float[5], new float[15], 3));
        Assert.Equal("input", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => FieldActivation.Sigmoid(new float[15], new float[5], new float[15], -1));
        var shared = new float[20];
        e = Assert.Throws<ArgumentException>(() => FieldActivation.Sigmoid(shared.AsSpan(0, 15), new float[5], shared.AsSpan(1, 15), 3));
        Assert.Equal("rates", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => FieldActivation.DampedMeanFieldStep(new float[15], new float[5], new float[14], 3, 0.5f));
        Assert.Equal("rates", e.ParamName);
    }

    [Fact]
    public void Damped_step_matches_the_double_reference()
    {
        VectorWidth.Each(bits =>
        {
            foreach (float damping in new[] { 0f, 0.25f, 0.9f })
                foreach (var (rows, n) in Shapes())
                {
                    float[] input = Data.Uniform(rows * n, -8, 8, n + 5);
                    float[] bias = Data.Uniform(n, -1, 1, 2);
                    float[] previous = Data.Uniform(rows * n, 0, 1, rows + 3);
                    float[] rates = (float[])previous.Clone();
                    FieldActivation.DampedMeanFieldStep(input, bias, rates, rows, damping);
                    for (int k = 0; k < rows * n; k++)
                    {
                        double expected = damping * (double)previous[k] + (1d - damping) * SigmoidRef(input[k] + bias[k % n]);
                        Data.Close(expected, rates[k], 2 * Rel, Abs, $"bits {bits} damping {damping} {rows}×{n} [{k}]");
                    }
                }
        });
    }

    [Fact]
    public void Damped_step_with_zero_damping_equals_Sigmoid()
    {
        VectorWidth.Each(bits =>
        {
            foreach (var (rows, n) in Shapes())
            {
                float[] input = Data.Uniform(rows * n, -15, 15, n);
                float[] bias = Data.Uniform(n, -1, 1, rows);
                var expected = new float[rows * n];
                FieldActivation.Sigmoid(input, bias, expected, rows);
                float[] rates = Data.Uniform(rows * n, 0, 1, 99);
                FieldActivation.DampedMeanFieldStep(input, bias, rates, rows, 0f);
                Data.BitEqual(expected, rates, $"bits {bits} {rows}×{n}");
            }
        });
    }

    [Fact]
    public void Damped_step_on_unaligned_spans_and_with_input_aliasing_rates()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int offset in new[] { 1, 3 })
                foreach (var (rows, n) in new[] { (1, 37), (3, 11), (4, 9) })
                {
                    int total = rows * n;
                    float[] ratesArray = Data.Uniform(total + offset, 0, 1, offset + n);
                    float[] biasArray = Data.Uniform(n + offset, -1, 1, offset);
                    float[] before = (float[])ratesArray.Clone();
                    // input is the rates themselves: μ ← ½μ + ½σ(μ + b)
                    FieldActivation.DampedMeanFieldStep(ratesArray.AsSpan(offset, total), biasArray.AsSpan(offset), ratesArray.AsSpan(offset), rows, 0.5f);
                    Assert.Equal(before[0], ratesArray[0]);
                    for (int k = 0; k < total; k++)
                    {
                        double mu = before[offset + k];
                        double expected = 0.5 * mu + 0.5 * SigmoidRef((float)mu + biasArray[offset + k % n]);
                        Data.Close(expected, ratesArray[offset + k], 2 * Rel, Abs, $"bits {bits} offset {offset} {rows}×{n} [{k}]");
                    }
                }
        });
    }

    [Fact]
    public void Damped_step_rejects_damping_outside_zero_to_one()
    {
        foreach (float damping in new[] { -0.1f, 1f, 1.5f, float.NaN })
            Assert.Throws<ArgumentOutOfRangeException>(() => FieldActivation.DampedMeanFieldStep(new float[4], new float[2], new float[4], 2, damping));
    }
}
