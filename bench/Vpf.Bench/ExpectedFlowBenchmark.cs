using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Vpf.Core.Inference;
using Vpf.Core.Model;
using Vpf.Core.Training;

namespace Vpf.Bench;

/// <summary>
/// Wall-clock time of one <see cref="ExpectedFlow.Compute"/> (the Expected estimator's M-step) for a random 784-500-1000
/// DBM (weights N(0, 0.05²)), batch 100: binary visible rows (density 0.3) and hidden rates from 10 mean-field sweeps.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class ExpectedFlowBenchmark
{
    private const int Rows = 100;
    private ExpectedFlow _flow = null!;
    private float[][] _rates = null!;
    private ParameterSet _gradient = null!;

    [GlobalSetup]
    public void Setup()
    {
        var model = DeepBoltzmannMachine.CreateRandom(Architecture.Dbm(784, 500, 1000), seed: 1, weightScale: 0.05f);
        var rng = new Random(2);
        var visible = new float[Rows * 784];
        for (int i = 0; i < visible.Length; i++) visible[i] = rng.NextDouble() < 0.3 ? 1f : 0f;
        _rates = MeanFieldSweep.Infer(model, visible, Rows);
        _flow = new ExpectedFlow(model);
        _gradient = new ParameterSet(model.Architecture);
    }

    [Benchmark(Description = "ExpectedFlow.Compute, DBM 784-500-1000, batch 100")]
    public double Compute() => _flow.Compute(_rates, Rows, _gradient).Value;
}
