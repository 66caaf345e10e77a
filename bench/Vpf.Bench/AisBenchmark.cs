using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Vpf.Core.Evaluation;
using Vpf.Core.Model;

namespace Vpf.Bench;

/// <summary>
/// Wall-clock time of one AIS estimate of log Z for a random 784-500 RBM with the paper's schedule (14,500 temperatures)
/// and 100 runs: per temperature one 100×784 · 784×500 product, one 100×500 · (784×500)ᵀ product and elementwise work.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 1)]
public class AisBenchmark
{
    private DeepBoltzmannMachine _model = null!;
    private AisOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(784, 500), seed: 1, weightScale: 0.05f);
        var marginals = Enumerable.Range(0, 784).Select(i => 0.05 + 0.4 * (i % 28) / 27.0).ToArray();
        _model.SetVisibleBiasesFromMarginals(marginals);
        _options = new AisOptions { Runs = 100, Schedule = AisSchedule.Default, Seed = 1, DataMarginals = marginals };
    }

    [Benchmark(Description = "AIS log Z, RBM 784-500, 14,500 temperatures, 100 runs")]
    public double Ais()
    {
        var estimate = AnnealedImportanceSampling.EstimateLogPartition(_model, _options);
        Console.WriteLine($"// AIS: {estimate}");
        return estimate.LogZ;
    }
}
