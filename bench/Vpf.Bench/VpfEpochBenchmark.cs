using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Training;

namespace Vpf.Bench;

/// <summary>
/// Wall-clock time of one VPF epoch over 60,000 binary 784-pixel images for a 784-500-1000 DBM, batch 100,
/// 10 mean-field sweeps, Sampled estimator. Uses the full Fashion-MNIST training set when Debian's
/// dataset-fashion-mnist is installed (or VPF_BENCH_DATA names an MNIST-format folder), else random images of the
/// same size and density (the time does not depend on pixel values).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class VpfEpochBenchmark
{
    private BinaryDataset _data = null!;
    private DeepBoltzmannMachine _model = null!;
    private MiniBatchTrainer _trainer = null!;

    /// <summary>Where the data came from, printed with the results.</summary>
    public static string DataSource { get; private set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _data = LoadTrainingImages();
        _model = DeepBoltzmannMachine.CreateRandom(Architecture.Dbm(784, 500, 1000), seed: 1);
        _model.SetVisibleBiasesFromMarginals(_data.ColumnMeans());
        var vpf = new VariationalProbabilityFlow(new VpfOptions { Estimator = FlowEstimator.Sampled, MeanFieldSweeps = 10 });
        _trainer = new MiniBatchTrainer(vpf, new TrainingOptions { Epochs = 1, BatchSize = 100, Seed = 1, Centering = new CenteringOptions { Enabled = false } });
        Console.WriteLine($"// VPF epoch data: {DataSource}");
    }

    [Benchmark(Description = "VPF epoch 60000x784, DBM 784-500-1000, batch 100, 10 sweeps, Sampled")]
    public double OneEpoch() => _trainer.Train(_model, _data)[0].MeanObjective;

    internal static BinaryDataset LoadTrainingImages()
    {
        string folder = Environment.GetEnvironmentVariable("VPF_BENCH_DATA") ?? "/usr/share/datasets/fashion-mnist";
        if (Directory.Exists(folder))
        {
            DataSource = $"MNIST-format folder {folder}";
            return MnistFolder.Load(folder).Train;
        }
        DataSource = "60,000 random images (density 0.35; no data folder found)";
        var rng = new Random(1);
        var values = new float[60000 * 784];
        for (int i = 0; i < values.Length; i++) values[i] = rng.NextDouble() < 0.35 ? 1 : 0;
        return BinaryDataset.FromBinaryRows(values, 60000, 784);
    }
}
