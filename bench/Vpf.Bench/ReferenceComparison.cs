using System.Diagnostics;
using System.Globalization;
using Vpf.Core.Training;
using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Bench;

/// <summary>
/// `compare [--images N] [--threads T] [--methods a,b]`: one training epoch of each method on the first N training
/// images, batch 100, after a short warm-up, printed as one JSON object per line. bench/compare_reference.py runs this
/// next to its PyTorch implementations of the same algorithms and prints the ratios.
/// </summary>
internal static class ReferenceComparison
{
    // The cases bench/compare_reference.py knows, each a machine and a method record (the objective is the record's).
    private static readonly (string Case, Architecture Architecture, TrainingMethod Method)[] Cases =
    [
        ("mpf-rbm", Architecture.Rbm(784, 500), new MpfRbmMethod()),
        ("vpf-rbm-1-sweep", Architecture.Rbm(784, 500), new VpfMethod().With(new MethodSettings { Estimator = FlowEstimator.Sampled, MeanFieldSweeps = 1 })),
        ("cd-1", Architecture.Rbm(784, 500), new CdMethod { Steps = 1 }),
        ("dbm-pcd", Architecture.Dbm(784, 500, 1000), new DbmPcdMethod()),
        ("dbm-pcd-lateral", Architecture.Dbm(784, 500, 1000).WithLateral(1), new DbmPcdMethod()),
        ("vpf", Architecture.Dbm(784, 500, 1000), new VpfMethod().With(new MethodSettings { Estimator = FlowEstimator.Sampled, MeanFieldSweeps = 10 })),
    ];

    private static readonly string[] AllMethods = Cases.Select(c => c.Case).ToArray();

    public static void Run(string[] args)
    {
        int images = 10000, threads = Environment.ProcessorCount;
        string[] methods = AllMethods;
        for (int i = 1; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--images": images = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--methods": methods = args[i + 1].Split(','); break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'; expected --images, --threads or --methods.");
            }
        }
        KernelSettings.MaxThreads = threads;
        var all = VpfEpochBenchmark.LoadTrainingImages();
        var data = all.Subset(0, Math.Min(images, all.Count));
        var warmUp = all.Subset(0, Math.Min(500, all.Count));
        Console.Error.WriteLine($"// data: {VpfEpochBenchmark.DataSource}, {data.Count} images, {threads} threads");
        foreach (string method in methods)
        {
            var (architecture, objective) = Create(method);
            var model = DeepBoltzmannMachine.CreateRandom(architecture, seed: 1);
            model.SetVisibleBiasesFromMarginals(data.ColumnMeans());
            // Uncentered, like the reference implementations the ratios are taken against.
            var trainer = new MiniBatchTrainer(objective, new TrainingOptions { Epochs = 1, BatchSize = 100, Seed = 1, Centering = new CenteringOptions { Enabled = false } });
            trainer.Train(model, warmUp);
            var clock = Stopwatch.StartNew();
            trainer.Train(model, data);
            double seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"method\": \"{method}\", \"images\": {data.Count}, \"seconds\": {seconds:F3}}}"));
        }
    }

    private static (Architecture, ITrainingObjective) Create(string method)
    {
        foreach (var (name, architecture, record) in Cases)
            if (name == method) return (architecture, record.CreateObjective());
        throw new ArgumentException($"Unknown method '{method}'; expected one of {string.Join(", ", AllMethods)}.");
    }
}
