namespace Vpf.Kernels.Tests;

// The fused centered step promises two things. θ and the rule's state get the bits of the unfused path — the centered
// gradient g − (a_i g_{b,j} + g_{b,i} a_j) in float without fused multiply-adds, then the rule's plain scalar update —
// on every width, because each element's arithmetic is the same. The bias shifts are float sums in vector lanes, so
// they are checked against the sums in double of the same Δ = θ_after − θ_before, within the rounding bound of a float
// sum of N products: (N + 2)·2⁻²³·Σ|terms| (twice the textbook γ_N bound, with one more rounding for Δ and the product).
[Collection("KernelSettings")]
public sealed class CenteredWeightStepTests
{
    private const float Decay = 1e-3f, Beta1 = 0.9f, Beta2 = 0.999f, Eta = 0.01f, Epsilon = 1e-8f, Momentum = 0.5f;
    private static readonly int[] Rows = [0, 1, 3, 4, 5, 7, 8, 9, 13, 16, 17, 23];
    private static readonly int[] Columns = [0, 1, 3, 4, 5, 7, 8, 9, 16, 17, 33];

    [Theory]
    [InlineData("Adam")]
    [InlineData("Momentum")]
    public void Theta_and_state_equal_the_unfused_path_bit_for_bit_and_the_shifts_equal_their_sums_in_double_on_every_width(string rule)
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in Rows)
                foreach (int m in Columns)
                {
                    var c = Case.Create(n, m, seed: 100 * n + m);
                    string where = $"{rule}, {n} × {m}, {bits} bits";

                    // The unfused path, written out: centered gradient, then the rule element by element.
                    float[] theta = (float[])c.Theta.Clone(), first = (float[])c.First.Clone(), second = (float[])c.Second.Clone();
                    for (int i = 0; i < n; i++)
                        for (int j = 0; j < m; j++)
                        {
                            int k = i * m + j;
                            float g = c.Gradient[k] - (c.A[i] * c.GUpper[j] + c.GLower[i] * c.AUpper[j]);
                            if (rule == "Adam")
                            {
                                float gi = g + Decay * theta[k];
                                first[k] = Beta1 * first[k] + (1 - Beta1) * gi;
                                second[k] = Beta2 * second[k] + (1 - Beta2) * (gi * gi);
                                theta[k] -= Eta * first[k] / (MathF.Sqrt(second[k]) + Epsilon);
                            }
                            else
                            {
                                first[k] = Momentum * first[k] + g + Decay * theta[k];
                                theta[k] -= Eta * first[k];
                            }
                        }

                    var (fusedTheta, fusedFirst, fusedSecond, columnShift, rowShift) = c.Run(rule);
                    Data.BitEqual(theta, fusedTheta, $"{where}: theta");
                    Data.BitEqual(first, fusedFirst, $"{where}: {(rule == "Adam" ? "first moment" : "velocity")}");
                    if (rule == "Adam") Data.BitEqual(second, fusedSecond, $"{where}: second moment");

                    for (int j = 0; j < m; j++)
                    {
                        double sum = 0, scale = 0;
                        for (int i = 0; i < n; i++)
                        {
                            double term = c.A[i] * ((double)fusedTheta[i * m + j] - c.Theta[i * m + j]);
                            (sum, scale) = (sum + term, scale + Math.Abs(term));
                        }
                        Data.Close(sum, columnShift[j], 0, Bound(n, scale), $"{where}: column shift {j}");
                    }
                    for (int i = 0; i < n; i++)
                    {
                        double sum = 0, scale = 0;
                        for (int j = 0; j < m; j++)
                        {
                            double term = ((double)fusedTheta[i * m + j] - c.Theta[i * m + j]) * c.AUpper[j];
                            (sum, scale) = (sum + term, scale + Math.Abs(term));
                        }
                        Data.Close(sum, rowShift[i], 0, Bound(m, scale), $"{where}: row shift {i}");
                    }
                    Assert.True(float.IsNaN(rowShift[n]) && float.IsNaN(columnShift[m]), $"{where}: nothing written past the shifts");
                }
        });
    }

    [Fact]
    public void A_matrix_gives_the_bits_of_its_rows_stepped_one_at_a_time_with_the_column_shifts_added_in_row_order()
    {
        // The 256-bit path walks four rows at once; one-row calls take the single-row path, so this pins the blocking.
        VectorWidth.Each(bits =>
        {
            foreach (int n in new[] { 4, 9, 13 })
                foreach (int m in new[] { 8, 17, 33 })
                {
                    var c = Case.Create(n, m, seed: 7 * n + m);
                    var (theta, first, second, columnShift, rowShift) = c.Run("Adam");
                    float[] column = new float[m];
                    for (int i = 0; i < n; i++)
                    {
                        var row = new Case(1, m, c.Theta[(i * m)..((i + 1) * m)], c.Gradient[(i * m)..((i + 1) * m)], c.First[(i * m)..((i + 1) * m)],
                            c.Second[(i * m)..((i + 1) * m)], [c.A[i]], c.AUpper, [c.GLower[i]], c.GUpper);
                        var (t, f, s, cs, rs) = row.Run("Adam");
                        string where = $"{n} × {m}, {bits} bits, row {i}";
                        Data.BitEqual(t, theta[(i * m)..((i + 1) * m)], $"{where}: theta");
                        Data.BitEqual(f, first[(i * m)..((i + 1) * m)], $"{where}: first moment");
                        Data.BitEqual(s, second[(i * m)..((i + 1) * m)], $"{where}: second moment");
                        Data.BitEqual([rs[0]], [rowShift[i]], $"{where}: row shift");
                        for (int j = 0; j < m; j++) column[j] += cs[j];
                    }
                    Data.BitEqual(column, columnShift[..m], $"{n} × {m}, {bits} bits: column shifts");
                }
        });
    }

    [Fact]
    public void With_zero_offsets_the_step_is_the_plain_adam_step_and_both_shifts_are_exactly_zero()
    {
        VectorWidth.Each(bits =>
        {
            var c = Case.Create(13, 33, seed: 5) with { A = new float[13], AUpper = new float[33] };
            float[] theta = (float[])c.Theta.Clone(), first = (float[])c.First.Clone(), second = (float[])c.Second.Clone();
            AdamUpdate.Step(theta, c.Gradient, first, second, Decay, Beta1, Beta2, Eta, Epsilon);
            var (fusedTheta, fusedFirst, fusedSecond, columnShift, rowShift) = c.Run("Adam");
            Data.BitEqual(theta, fusedTheta, $"{bits} bits: theta");
            Data.BitEqual(first, fusedFirst, $"{bits} bits: first moment");
            Data.BitEqual(second, fusedSecond, $"{bits} bits: second moment");
            Assert.All(columnShift[..33], s => Assert.Equal(0f, s));
            Assert.All(rowShift[..13], s => Assert.Equal(0f, s));
        });
    }

    [Fact]
    public void Shapes_that_do_not_fit_are_refused_with_the_operand_named()
    {
        static WeightCentering Centering(int n, int m, int rowShift = -1, int columnShift = -1) =>
            new(new float[n], new float[m], new float[n], new float[m], new float[columnShift < 0 ? m : columnShift], new float[rowShift < 0 ? n : rowShift]);
        var e = Assert.Throws<ArgumentException>(() => CenteredWeightStep.Momentum(new float[11], new float[12], new float[12], Centering(3, 4), 0, 0, 0.1f));
        Assert.Equal("theta", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => CenteredWeightStep.Momentum(new float[12], new float[12], new float[12], Centering(3, 4, rowShift: 2), 0, 0, 0.1f));
        Assert.Equal("RowShift", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => CenteredWeightStep.Momentum(new float[12], new float[12], new float[12], Centering(3, 4, columnShift: 3), 0, 0, 0.1f));
        Assert.Equal("ColumnShift", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => CenteredWeightStep.Adam(new float[12], new float[12], new float[12], new float[11], Centering(3, 4), 0, 0.9f, 0.999f, 0.1f, 1e-8f));
        Assert.Equal("second", e.ParamName);
    }

    private static double Bound(int terms, double scale) => (terms + 2) * Math.Pow(2, -23) * scale + 1e-30;

    /// <summary>One weight matrix with its state, offsets (a third of the row offsets 0, some 1) and bias gradients.</summary>
    private sealed record Case(int N, int M, float[] Theta, float[] Gradient, float[] First, float[] Second, float[] A, float[] AUpper, float[] GLower, float[] GUpper)
    {
        public static Case Create(int n, int m, int seed) => new(n, m,
            Data.Uniform(n * m, -0.5f, 0.5f, seed), Data.Uniform(n * m, -1, 1, seed + 1),
            Data.Uniform(n * m, -0.1f, 0.1f, seed + 2), Data.Uniform(n * m, 0, 0.01f, seed + 3),
            Data.Uniform(n, 0, 1, seed + 4).Select((x, i) => i % 3 == 1 ? 0f : i % 5 == 4 ? 1f : x).ToArray(),
            Data.Uniform(m, 0, 1, seed + 5), Data.Uniform(n, -0.5f, 0.5f, seed + 6), Data.Uniform(m, -0.5f, 0.5f, seed + 7));

        /// <summary>The fused kernel on copies; the shift buffers start as NaN with one spare element each.</summary>
        public (float[] Theta, float[] First, float[] Second, float[] ColumnShift, float[] RowShift) Run(string rule)
        {
            float[] theta = (float[])Theta.Clone(), first = (float[])First.Clone(), second = (float[])Second.Clone();
            float[] columnShift = Enumerable.Repeat(float.NaN, M + 1).ToArray(), rowShift = Enumerable.Repeat(float.NaN, N + 1).ToArray();
            var centering = new WeightCentering(A, AUpper, GLower, GUpper, columnShift.AsSpan(0, M), rowShift.AsSpan(0, N));
            if (rule == "Adam") CenteredWeightStep.Adam(theta, Gradient, first, second, centering, Decay, Beta1, Beta2, Eta, Epsilon);
            else CenteredWeightStep.Momentum(theta, Gradient, first, centering, Decay, Momentum, Eta);
            return (theta, first, second, columnShift, rowShift);
        }
    }
}
