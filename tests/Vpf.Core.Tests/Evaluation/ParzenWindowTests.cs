using Vpf.Core.Evaluation;

namespace Vpf.Core.Tests.Evaluation;

public class ParzenWindowTests
{
    [Theory]
    [InlineData(true, 30, 12, 7)]
    [InlineData(false, 30, 12, 7)]
    [InlineData(true, 4500, 300, 5)]   // more than one block of samples (4,096) and of points (256)
    public void Log_densities_match_a_direct_double_loop(bool binary, int sampleCount, int pointCount, int dimension)
    {
        var rng = new Random(sampleCount + dimension);
        var samples = Random(rng, sampleCount * dimension, binary);
        var points = Random(rng, pointCount * dimension, binary);
        double[] sigmas = [0.2, 0.5, 1.5];
        var fast = ParzenWindow.LogDensities(samples, sampleCount, points, pointCount, dimension, sigmas);
        // Binary data: every product is an exact small integer in single precision, so only double rounding remains.
        // Real data in [0, 1): single-precision cross products err by ~1e-7·d, i.e. ~1e-6/(2σ²) ≤ 2e-5 in log p.
        double tolerance = binary ? 1e-9 : 1e-4;
        for (int t = 0; t < sigmas.Length; t++)
            for (int i = 0; i < pointCount; i++)
                Assert.Equal(Direct(samples, sampleCount, points, i, dimension, sigmas[t]), fast[t][i], tolerance);
    }

    [Fact]
    public void Sigma_is_the_grid_maximum_of_the_validation_likelihood_and_test_figures_are_at_that_sigma()
    {
        var rng = new Random(17);
        int d = 8, ns = 200, nv = 40, nt = 50;
        var samples = Random(rng, ns * d, binary: true);
        var validation = Random(rng, nv * d, binary: true);
        var test = Random(rng, nt * d, binary: true);
        double[] grid = [0.1, 0.2, 0.3, 0.5, 0.8, 1.2, 2.0];
        var estimate = ParzenWindow.Estimate(samples, ns, validation, nv, test, nt, d, grid);

        var validationMeans = grid.Select(s => Enumerable.Range(0, nv).Average(i => Direct(samples, ns, validation, i, d, s))).ToArray();
        double best = grid[Array.IndexOf(validationMeans, validationMeans.Max())];
        Assert.Equal(best, estimate.Sigma);
        Assert.NotEqual(grid[0], best);
        Assert.NotEqual(grid[^1], best);

        var testLogP = Enumerable.Range(0, nt).Select(i => Direct(samples, ns, test, i, d, best)).ToArray();
        double mean = testLogP.Average();
        double se = Math.Sqrt(testLogP.Sum(x => (x - mean) * (x - mean)) / (nt - 1) / nt);
        Assert.Equal(mean, estimate.MeanLogLikelihood, 1e-9);
        Assert.Equal(se, estimate.StandardError, 1e-9);
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => ParzenWindow.LogDensities(new float[6], 2, new float[3], 1, 3, [0.0]));
        Assert.Throws<ArgumentException>(() => ParzenWindow.LogDensities(new float[5], 2, new float[3], 1, 3, [1.0]));
    }

    private static double Direct(float[] samples, int n, float[] points, int i, int d, double sigma)
    {
        var terms = new double[n];
        for (int s = 0; s < n; s++)
        {
            double dist = 0;
            for (int k = 0; k < d; k++)
            {
                double diff = (double)points[i * d + k] - samples[s * d + k];
                dist += diff * diff;
            }
            terms[s] = -dist / (2 * sigma * sigma);
        }
        return ExactLikelihood.LogSumExp(terms) - Math.Log(n) - d / 2.0 * Math.Log(2 * Math.PI * sigma * sigma);
    }

    private static float[] Random(Random rng, int length, bool binary) =>
        Enumerable.Range(0, length).Select(_ => binary ? rng.Next(2) : (float)rng.NextDouble()).ToArray();
}
