using Vpf.Kernels;

namespace Vpf.Core.Evaluation;

/// <summary>A Parzen-window estimate: mean test log-likelihood (nats), its standard error, and the kernel width used.</summary>
/// <param name="MeanLogLikelihood">Mean over the test vectors of log p(x).</param>
/// <param name="StandardError">Standard deviation of log p(x) over the test vectors divided by √(test count).</param>
/// <param name="Sigma">The Gaussian kernel width σ chosen on the validation vectors.</param>
public sealed record ParzenEstimate(double MeanLogLikelihood, double StandardError, double Sigma);

/// <summary>
/// Parzen-window (Gaussian kernel density) log-likelihood of test vectors under a set of generated samples — the number
/// reported by many generative-model papers: log p(x) = logmeanexp_i(−‖x − s_i‖² / (2σ²)) − (d/2)·log(2πσ²).
/// </summary>
/// <remarks>
/// Squared distances are ‖x‖² + ‖s‖² − 2 x·s with the cross terms from one kernel product per block of points and block of
/// samples; each block's terms are folded into a running log-sum-exp per point and per σ, so memory stays bounded and the
/// distances are computed once for a whole grid of widths.
/// </remarks>
public static class ParzenWindow
{
    private const int PointBlock = 256, SampleBlock = 4096;

    /// <summary>Default grid of widths: 20 values spaced evenly in log between 0.05 and 1.</summary>
    public static IReadOnlyList<double> DefaultSigmas { get; } =
        Enumerable.Range(0, 20).Select(i => 0.05 * Math.Pow(20.0, i / 19.0)).ToArray();

    /// <summary>
    /// Chooses σ from <paramref name="sigmas"/> (default <see cref="DefaultSigmas"/>) by the mean validation
    /// log-likelihood and reports the test log-likelihood at that σ. All three sets are row-major rows × dimension.
    /// </summary>
    public static ParzenEstimate Estimate(ReadOnlySpan<float> samples, int sampleCount,
        ReadOnlySpan<float> validation, int validationCount, ReadOnlySpan<float> test, int testCount, int dimension,
        IReadOnlyList<double>? sigmas = null)
    {
        sigmas ??= DefaultSigmas;
        if (validationCount < 1) throw new ArgumentException("At least one validation vector is needed.", nameof(validationCount));
        if (testCount < 1) throw new ArgumentException("At least one test vector is needed.", nameof(testCount));
        var perSigma = MeanLogLikelihoods(samples, sampleCount, validation, validationCount, dimension, sigmas);
        int best = 0;
        for (int i = 1; i < perSigma.Length; i++) if (perSigma[i] > perSigma[best]) best = i;
        double sigma = sigmas[best];
        var logP = LogDensities(samples, sampleCount, test, testCount, dimension, [sigma])[0];
        double mean = logP.Average();
        double variance = testCount > 1 ? logP.Sum(x => (x - mean) * (x - mean)) / (testCount - 1) : 0;
        return new ParzenEstimate(mean, Math.Sqrt(variance / testCount), sigma);
    }

    /// <summary>Mean log p(x) over <paramref name="points"/> for every σ of <paramref name="sigmas"/>.</summary>
    internal static double[] MeanLogLikelihoods(ReadOnlySpan<float> samples, int sampleCount, ReadOnlySpan<float> points, int pointCount,
        int dimension, IReadOnlyList<double> sigmas) =>
        LogDensities(samples, sampleCount, points, pointCount, dimension, sigmas).Select(d => d.Average()).ToArray();

    /// <summary>log p(x) of every point (element [σ index][point]) for every σ of <paramref name="sigmas"/>.</summary>
    /// <exception cref="ArgumentException">Shapes that do not match, no samples, or a σ that is not positive and finite.</exception>
    internal static double[][] LogDensities(ReadOnlySpan<float> samples, int sampleCount, ReadOnlySpan<float> points, int pointCount,
        int dimension, IReadOnlyList<double> sigmas)
    {
        if (dimension < 1) throw new ArgumentException($"The dimension must be ≥ 1; got {dimension}.", nameof(dimension));
        if (sampleCount < 1 || samples.Length != (long)sampleCount * dimension)
            throw new ArgumentException($"Expected sampleCount ≥ 1 rows of {dimension} values ({(long)sampleCount * dimension}); got {samples.Length}.", nameof(samples));
        if (pointCount < 0 || points.Length != (long)pointCount * dimension)
            throw new ArgumentException($"Expected {pointCount} rows of {dimension} values ({(long)pointCount * dimension}); got {points.Length}.", nameof(points));
        if (sigmas.Count < 1) throw new ArgumentException("At least one σ is needed.", nameof(sigmas));
        foreach (double s in sigmas)
            if (!(s > 0) || !double.IsFinite(s)) throw new ArgumentException($"Every σ must be positive and finite; got {s}.", nameof(sigmas));

        int g = sigmas.Count;
        var scales = sigmas.Select(s => -1.0 / (2 * s * s)).ToArray();
        var sampleNorms = SquaredNorms(samples, sampleCount, dimension);
        var pointNorms = SquaredNorms(points, pointCount, dimension);
        var max = new double[g * pointCount];
        var sum = new double[g * pointCount];
        Array.Fill(max, double.NegativeInfinity);
        var cross = new float[PointBlock * Math.Min(SampleBlock, sampleCount)];
        var distances = new double[Math.Min(SampleBlock, sampleCount)];

        for (int p0 = 0; p0 < pointCount; p0 += PointBlock)
        {
            int pb = Math.Min(PointBlock, pointCount - p0);
            for (int s0 = 0; s0 < sampleCount; s0 += SampleBlock)
            {
                int sb = Math.Min(SampleBlock, sampleCount - s0);
                var c = cross.AsSpan(0, pb * sb);
                MatrixProduct.MultiplyByTransposed(points.Slice(p0 * dimension, pb * dimension),
                    samples.Slice(s0 * dimension, sb * dimension), c, pb, dimension, sb);
                for (int i = 0; i < pb; i++)
                {
                    int point = p0 + i;
                    double nearest = double.PositiveInfinity;
                    var d = distances.AsSpan(0, sb);
                    for (int j = 0; j < sb; j++)
                    {
                        // Rounding can make a (near-)zero distance slightly negative; a squared distance is ≥ 0.
                        d[j] = Math.Max(0.0, pointNorms[point] + sampleNorms[s0 + j] - 2.0 * c[i * sb + j]);
                        nearest = Math.Min(nearest, d[j]);
                    }
                    for (int t = 0; t < g; t++)
                    {
                        int at = t * pointCount + point;
                        double blockMax = scales[t] * nearest;
                        double m = Math.Max(max[at], blockMax);
                        sum[at] = sum[at] * Math.Exp(max[at] - m) + SumExp(d, scales[t], m);
                        max[at] = m;
                    }
                }
            }
        }

        var result = new double[g][];
        for (int t = 0; t < g; t++)
        {
            double constant = -Math.Log(sampleCount) - 0.5 * dimension * Math.Log(2 * Math.PI * sigmas[t] * sigmas[t]);
            result[t] = new double[pointCount];
            for (int i = 0; i < pointCount; i++)
            {
                int at = t * pointCount + i;
                result[t][i] = max[at] + Math.Log(sum[at]) + constant;
            }
        }
        return result;
    }

    /// <summary>Σ_j exp(scale·d_j − shift), vectorised in double.</summary>
    private static double SumExp(ReadOnlySpan<double> d, double scale, double shift) => EvaluationKernels.SumExp(d, scale, shift);

    private static double[] SquaredNorms(ReadOnlySpan<float> rows, int count, int dimension)
    {
        var norms = new double[count];
        for (int r = 0; r < count; r++)
        {
            var row = rows.Slice(r * dimension, dimension);
            norms[r] = VariationalBound.Dot(row, row);
        }
        return norms;
    }
}
