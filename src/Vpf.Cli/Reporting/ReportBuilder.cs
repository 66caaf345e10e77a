using Vpf.Core.Model;
using Vpf.Core.Reconstruction;
using Vpf.Core.Training;

namespace Vpf.Cli.Reporting;

/// <summary>Fills a <see cref="ReportModel"/> with samples and reconstruction examples.</summary>
internal static class ReportBuilder
{
    public const int ExampleRows = 4, SampleCount = 32, SampleSweeps = 1000;

    /// <summary>
    /// Clean, corrupted and reconstructed images of the first held-out rows for both corruptions, on the scale the model
    /// sees (standardised for Gaussian visible units; a hidden value is shown at the middle: ½, or 0 = the mean).
    /// </summary>
    public static List<ReconstructionExample> Examples(DeepBoltzmannMachine model, DataSet data, int seed, int count)
    {
        var examples = new List<ReconstructionExample>();
        var reconstructor = new Reconstructor(model, new ReconstructionOptions { Seed = seed }, data.Train.ColumnMeans());
        bool gaussian = model.Architecture.HasGaussianVisible;
        // Real values are denoised from Gaussian noise (σ = 0.5 on the standardised scale) rather than flips.
        var corruptions = new List<Corruption> { gaussian ? Corruption.AddGaussianNoise(0.5) : Corruption.FlipPixels(0.1) };
        if (data.Test.ImageRows > 1 && data.Test.ImageColumns > 0) corruptions.Add(Corruption.HideBottomHalf(data.Test.ImageRows, data.Test.ImageColumns));
        else if (gaussian) corruptions.Add(Corruption.HideFraction(0.25)); // rows of a table: hide a quarter of the values
        int rows = Math.Min(count, data.Test.Count), d = data.Test.Dimension;
        var clean = new float[(long)rows * d];
        data.Test.CopyRows(Enumerable.Range(0, rows).ToArray(), clean);
        float hidden = gaussian ? 0f : 0.5f;
        foreach (var corruption in corruptions)
        {
            var batch = corruption.Apply(clean, rows, d, seed, 0);
            var shown = batch.Values.ToArray();
            for (int i = 0; i < shown.Length; i++) if (!batch.Known[i]) shown[i] = hidden;
            examples.Add(new ReconstructionExample(corruption.Description, rows, batch.Clean, shown, reconstructor.Reconstruct(batch)));
        }
        return examples;
    }

    public static ReportModel Build(CliContext context, string name, string method, DeepBoltzmannMachine model, IReadOnlyList<CurvePoint> curve,
        DataSet data, int seed, int sweeps = SampleSweeps)
    {
        var examples = Examples(model, data, seed, ExampleRows);
        var samples = ProgressDisplay.Track(context, $"sampling {name}", sweeps, h => ModelSamples.Draw(model, SampleCount, sweeps, seed, s => h.Report(s)));
        if (data.Standardisation is { } standardisation)
        {
            // Pictures show grey levels: back from the standardised scale the model works on.
            standardisation.Invert(samples);
            foreach (var e in examples)
            {
                standardisation.Invert(e.Clean);
                standardisation.Invert(e.Corrupted);
                standardisation.Invert(e.Reconstructed);
            }
        }
        string note = $"{SampleCount} independent chains from random states, {sweeps} Gibbs sweeps (laterals unit by unit), visible probabilities of the last sweep";
        return new ReportModel(name, method, model, curve)
        {
            Samples = samples, SampleCount = SampleCount, SampleNote = note, Reconstructions = examples,
        };
    }
}
