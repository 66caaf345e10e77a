using Vpf.Core.Model;
using Vpf.Core.Reconstruction;
using Vpf.Core.Training;

namespace Vpf.Cli.Reporting;

/// <summary>Fills a <see cref="ReportModel"/> with samples and reconstruction examples.</summary>
internal static class ReportBuilder
{
    public const int ExampleRows = 4, SampleCount = 32, SampleSweeps = 1000;

    /// <summary>Clean, corrupted and reconstructed images of the first held-out rows for both corruptions.</summary>
    public static List<ReconstructionExample> Examples(DeepBoltzmannMachine model, DataSet data, int seed, int count)
    {
        var examples = new List<ReconstructionExample>();
        var reconstructor = new Reconstructor(model, new ReconstructionOptions { Seed = seed }, data.Train.ColumnMeans());
        var corruptions = new List<Corruption> { Corruption.FlipPixels(0.1) };
        if (data.Test.ImageRows > 1 && data.Test.ImageColumns > 0) corruptions.Add(Corruption.HideBottomHalf(data.Test));
        int rows = Math.Min(count, data.Test.Count);
        foreach (var corruption in corruptions)
        {
            var batch = corruption.Apply(data.Test, seed, 0, rows);
            var shown = batch.Values.ToArray();
            for (int i = 0; i < shown.Length; i++) if (!batch.Known[i]) shown[i] = 0.5f;
            examples.Add(new ReconstructionExample(corruption.Description, rows, batch.Clean, shown, reconstructor.Reconstruct(batch)));
        }
        return examples;
    }

    public static ReportModel Build(CliContext context, string name, string method, DeepBoltzmannMachine model, IReadOnlyList<CurvePoint> curve,
        DataSet data, int seed, int sweeps = SampleSweeps)
    {
        var examples = Examples(model, data, seed, ExampleRows);
        var samples = ProgressDisplay.Track(context, $"sampling {name}", sweeps, h => ModelSamples.Draw(model, SampleCount, sweeps, seed, s => h.Report(s)));
        string note = $"{SampleCount} independent chains from random states, {sweeps} Gibbs sweeps (laterals unit by unit), visible probabilities of the last sweep";
        return new ReportModel(name, method, model, curve)
        {
            Samples = samples, SampleCount = SampleCount, SampleNote = note, Reconstructions = examples,
        };
    }
}
