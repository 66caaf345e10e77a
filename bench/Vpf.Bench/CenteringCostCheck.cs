using System.Diagnostics;
using System.Globalization;
using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Training;

namespace Vpf.Bench;

/// <summary>
/// `dotnet run -c Release --project bench/Vpf.Bench -- centering-cost [--epochs N] [--repeats N] [--batches 10,100] [--methods vpf,cd]`:
/// what centering costs per epoch. On the shipped Fashion-MNIST images (data/fashion-mnist t10k, first 8,000, binarised
/// at 0.5), an RBM 784-500 is trained by VPF (its default estimator) and by CD-1, Adam 1e-3, at each batch size,
/// once uncentered and once centered per repeat, the two runs back to back and their order alternating between repeats,
/// so that a change of load hits both. Prints per configuration the median seconds per epoch of each and the median
/// over repeats of the ratio centered / uncentered (each repeat's ratio from its own two runs); then the median time of
/// one Adam step of that RBM, uncentered and centered, and of the offsets' update (`--repeats 0`: only these).
/// </summary>
internal static class CenteringCostCheck
{
    public static void Run(string[] args)
    {
        int epochs = IntArg(args, "--epochs", 2), repeats = IntArg(args, "--repeats", 3);
        int at = Array.IndexOf(args, "--batches");
        int[] batchSizes = at >= 0 && at + 1 < args.Length
            ? args[at + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()
            : [10, 100];
        string dir = Path.Combine(FindRepositoryRoot(), "data", "fashion-mnist");
        var data = BinaryDataset.LoadIdxRows(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), null, 0, 8000);
        Console.WriteLine($"data: data/fashion-mnist t10k, first {data.Count} images; RBM 784-500, Adam 1e-3, {epochs} epochs per run, {repeats} repeats; " +
                          $"load average at start {LoadAverage()}");

        int named = Array.IndexOf(args, "--methods");
        string[] wanted = named >= 0 && named + 1 < args.Length ? args[named + 1].Split(',') : ["vpf", "cd"];
        var methods = new (string Key, string Name, Func<ITrainingObjective> Create)[]
        {
            ("vpf", $"vpf ({new VpfOptions().Estimator})", () => new VariationalProbabilityFlow()),
            ("cd", "cd-1", () => new ContrastiveDivergence()),
        }.Where(m => wanted.Contains(m.Key)).ToArray();
        // Compile every path once before any clock runs.
        var warmUp = data.Subset(0, 200);
        foreach (var (_, _, create) in methods)
            foreach (bool centered in new[] { false, true })
                SecondsPerEpoch(create(), warmUp, 10, 1, centered);

        Console.WriteLine("| method | batch | uncentered s/epoch | centered s/epoch | centered / uncentered (median) | ratios |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|");
        foreach (var (_, name, create) in methods)
            foreach (int batch in batchSizes.Where(_ => repeats > 0))
            {
                var plain = new List<double>();
                var centeredTimes = new List<double>();
                var ratios = new List<double>();
                for (int r = 0; r < repeats; r++)
                {
                    double u, c;
                    if (r % 2 == 0) (u, c) = (SecondsPerEpoch(create(), data, batch, epochs, false), SecondsPerEpoch(create(), data, batch, epochs, true));
                    else (c, u) = (SecondsPerEpoch(create(), data, batch, epochs, true), SecondsPerEpoch(create(), data, batch, epochs, false));
                    plain.Add(u);
                    centeredTimes.Add(c);
                    ratios.Add(c / u);
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {batch} | {Median(plain):F3} | {Median(centeredTimes):F3} | {Median(ratios):F3} | {string.Join(" ", ratios.Select(x => x.ToString("F3", CultureInfo.InvariantCulture)))} |"));
            }
        var own = StepMicroseconds(data);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"one Adam step of an RBM 784-500: uncentered {own.Plain:F0} µs, centered {own.Centered:F0} µs (gradient centered and bias shifts summed in the step's pass); offsets {own.Offsets:F0} µs"));
        Console.WriteLine($"load average at end {LoadAverage()}");
    }

    /// <summary>
    /// Median times of one Adam step of the trainer, uncentered and centered (<see cref="Centering.Step"/>: the fused pass
    /// and the bias compensation), and of the offsets' update, each alone (no objective): a call takes far less than a
    /// scheduler's time slice, so the median of single calls is robust to other load.
    /// </summary>
    private static (double Offsets, double Plain, double Centered) StepMicroseconds(BinaryDataset data)
    {
        var plain = DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(784, 500), seed: 1);
        var centered = DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(784, 500), seed: 1);
        var centering = Centering.Start(centered.Architecture, data, new CenteringOptions { Enabled = true });
        var gradient = plain.Parameters.Clone();
        var before = centered.Parameters.Clone();
        var plainAdam = new Vpf.Core.Training.Optimisers.OptimiserOptions().Create();
        var centeredAdam = new Vpf.Core.Training.Optimisers.OptimiserOptions().Create();
        var rates = new ConstantRates(500);
        var times = new[] { new List<double>(), new List<double>(), new List<double>() };
        // Enough calls before the clocks count for the tiered JIT to have replaced the first code with the optimised one.
        for (int u = 0; u < Calls + Warm; u++)
        {
            if (u == Warm / 2) Thread.Sleep(500);
            bool timed = u >= Warm;
            Time(times[0], timed, () => centering.FollowRates(rates));
            Time(times[1], timed, () => plainAdam.Step(plain.Parameters, gradient));
            Time(times[2], timed, () => centering.Step(centeredAdam, centered.Parameters, gradient, before));
        }
        return (Median(times[0]), Median(times[1]), Median(times[2]));
    }

    private static void Time(List<double> times, bool timed, Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        if (timed) times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
    }

    private sealed class ConstantRates(int width) : IMeanRateSource
    {
        public bool TryGetMeanRates(int layer, Span<float> mean)
        {
            mean[..width].Fill(0.5f);
            return true;
        }
    }

    private static double SecondsPerEpoch(ITrainingObjective objective, BinaryDataset data, int batch, int epochs, bool centered)
    {
        var model = DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(784, 500), seed: 1);
        model.SetVisibleBiasesFromMarginals(data.ColumnMeans());
        var trainer = new MiniBatchTrainer(objective, new TrainingOptions
        {
            Epochs = epochs, BatchSize = batch, Seed = 1, Centering = new CenteringOptions { Enabled = centered },
        });
        var clock = Stopwatch.StartNew();
        trainer.Train(model, data);
        return clock.Elapsed.TotalSeconds / epochs;
    }

    private const int Warm = 200, Calls = 400;

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static int IntArg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string FindRepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Vpf.Hybrid.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("Vpf.Hybrid.sln not found above the benchmark's folder.");
    }
}
