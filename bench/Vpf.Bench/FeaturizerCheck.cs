using Microsoft.ML;
using Microsoft.ML.Data;
using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.ML;

namespace Vpf.Bench;

/// <summary>
/// `dotnet run -c Release --project bench/Vpf.Bench -- featurizer [--epochs N] [--hidden N] [--no-stochastic] [--centering on|off] [--defaults-only]`: the ML.NET featurizer's
/// options measured as a user would meet them. On the shipped Fashion-MNIST test set (first 8,000 images to fit, last
/// 2,000 to test), SdcaMaximumEntropy on min-max-normalised raw pixels against SdcaMaximumEntropy on VPF features
/// (HiddenLayers = [500], 10 epochs, seed 1) for every combination of centering, stochastic binarisation in training and
/// grey-level inference, and the featurizer's defaults (`--defaults-only`: the raw pixels and the defaults alone).
/// Prints a Markdown table of test accuracies. The evidence
/// behind <see cref="VpfFeaturizerOptions.Defaults"/>.
/// </summary>
internal static class FeaturizerCheck
{
    private const int Width = 784;

    /// <summary>One image: intensities 0…255 and the class.</summary>
    private sealed class Row
    {
        [VectorType(Width)]
        public float[] Pixels { get; set; } = [];

        public uint Label { get; set; }
    }

    public static void Run(string[] args)
    {
        int epochs = IntArg(args, "--epochs", 10), hidden = IntArg(args, "--hidden", 500);
        bool skipStochastic = args.Contains("--no-stochastic");
        int at = Array.IndexOf(args, "--centering");
        bool[] centerings = args.Contains("--defaults-only") ? [] : at >= 0 && at + 1 < args.Length ? [args[at + 1] == "on"] : [false, true];
        string dir = Path.Combine(FindRepositoryRoot(), "data", "fashion-mnist");
        var images = IdxReader.ReadImages(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"));
        var labels = IdxReader.ReadLabels(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));
        var rows = Enumerable.Range(0, images.Count)
            .Select(i => new Row { Pixels = images.Image(i).ToArray().Select(b => (float)b).ToArray(), Label = labels[i] })
            .ToArray();
        var ml = new MLContext(seed: 1);
        var fit = ml.Data.LoadFromEnumerable(rows[..8000]);
        var test = ml.Data.LoadFromEnumerable(rows[8000..]);
        Console.WriteLine($"data: data/fashion-mnist t10k, first 8,000 fit / last 2,000 test; VPF {Width}-{hidden}, {epochs} epochs, seed 1; SdcaMaximumEntropy");
        Console.WriteLine("| features | centering | training binarisation | inference | accuracy | fit s |");
        Console.WriteLine("|---|---|---|---|---|---|");

        var raw = ml.Transforms.NormalizeMinMax("Features", "Pixels");
        Report("raw pixels, min-max normalised", "—", "—", "—", Accuracy(ml, raw, fit, test));

        foreach (bool centering in centerings)
            foreach (bool stochastic in new[] { false, true })
            {
                if (skipStochastic && stochastic) continue;
                var options = Options(hidden, epochs, centering, stochastic, greyLevels: false);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                DeepBoltzmannMachine model = ml.Transforms.VpfFeatures("Features", "Pixels", options).TrainModel(fit);
                double trainSeconds = clock.Elapsed.TotalSeconds;
                foreach (bool grey in new[] { false, true })
                {
                    var features = ml.Transforms.VpfFeaturesFromModel("Features", "Pixels", model, Options(hidden, epochs, centering, stochastic, grey));
                    Report("VPF", centering ? "on" : "off", stochastic ? "stochastic per epoch" : "threshold 0.5",
                        grey ? "grey levels" : "threshold 0.5", Accuracy(ml, features, fit, test), trainSeconds);
                }
            }

        var defaults = new VpfFeaturizerOptions { HiddenLayers = [hidden], Epochs = epochs, Seed = 1 };
        var timer = System.Diagnostics.Stopwatch.StartNew();
        double defaultAccuracy = Accuracy(ml, ml.Transforms.VpfFeatures("Features", "Pixels", defaults), fit, test);
        Report("VPF, the featurizer's defaults", defaults.Centering ? "on" : "off", defaults.StochasticBinarisation ? "stochastic per epoch" : "threshold 0.5",
            defaults.GreyLevels ? "grey levels" : "threshold 0.5", defaultAccuracy, timer.Elapsed.TotalSeconds);
    }

    private static VpfFeaturizerOptions Options(int hidden, int epochs, bool centering, bool stochastic, bool greyLevels) => new()
    {
        HiddenLayers = [hidden], Epochs = epochs, Seed = 1,
        Centering = centering, StochasticBinarisation = stochastic, GreyLevels = greyLevels,
    };

    private static double Accuracy(MLContext ml, IEstimator<ITransformer> features, IDataView fit, IDataView test)
    {
        var pipeline = features
            .Append(ml.Transforms.Conversion.MapValueToKey("Key", "Label"))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("Key", "Features"));
        var model = pipeline.Fit(fit);
        return ml.MulticlassClassification.Evaluate(model.Transform(test), "Key").MicroAccuracy;
    }

    private static void Report(string features, string centering, string training, string inference, double accuracy, double seconds = double.NaN) =>
        Console.WriteLine($"| {features} | {centering} | {training} | {inference} | {accuracy:F4} | {(double.IsNaN(seconds) ? "—" : seconds.ToString("F1"))} |");

    private static int IntArg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }

    private static string FindRepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Vpf.Hybrid.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("Vpf.Hybrid.sln not found above the benchmark's folder.");
    }
}
