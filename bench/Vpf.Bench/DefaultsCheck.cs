using Vpf.Core.Model;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Bench;

/// <summary>
/// `dotnet run -c Release --project bench/Vpf.Bench -- defaults`: trains a 784-500 RBM by VPF for one epoch on
/// Fashion-MNIST with the library's default optimiser (Adam, step 1e-3) and with SGD (step 0.05, momentum 0.9), and
/// prints whether each diverged. The evidence behind the defaults.
/// </summary>
internal static class DefaultsCheck
{
    public static void Run()
    {
        var data = VpfEpochBenchmark.LoadTrainingImages();
        Console.WriteLine($"data: {VpfEpochBenchmark.DataSource}, {data.Count} images");
        Console.WriteLine("| optimiser | outcome | mean K of the epoch | final batch K | seconds |");
        Console.WriteLine("|---|---|---|---|---|");
        Try("Adam, step 1e-3 (default)", new OptimiserOptions(), data);
        Try("SGD, step 0.05, momentum 0.9", new OptimiserOptions { Kind = OptimiserKind.SgdMomentum, LearningRate = 0.05f, Momentum = 0.9f }, data);
    }

    private static void Try(string name, OptimiserOptions optimiser, Vpf.Core.Data.BinaryDataset data)
    {
        var model = DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(784, 500), seed: 1);
        model.SetVisibleBiasesFromMarginals(data.ColumnMeans());
        var trainer = new MiniBatchTrainer(new VariationalProbabilityFlow(), new TrainingOptions { Epochs = 1, BatchSize = 100, Seed = 1, Optimiser = optimiser, Centering = new CenteringOptions { Enabled = false } });
        TrainingProgress last = default;
        try
        {
            var history = trainer.Train(model, data, p => last = p);
            string outcome = history[0].ClampCount > 0 ? $"finite, {history[0].ClampCount} field clamps" : "finite";
            Console.WriteLine($"| {name} | {outcome} | {history[0].MeanObjective:F2} | {last.Objective:F2} | {last.Seconds:F1} |");
        }
        catch (TrainingDivergedException e)
        {
            Console.WriteLine($"| {name} | diverged at epoch {e.Epoch}, batch {e.Batch} | – | {last.Objective:G3} | {last.Seconds:F1} |");
        }
    }
}
