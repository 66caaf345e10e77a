using Microsoft.ML;
using Microsoft.ML.Runtime;
using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Training;

namespace Vpf.ML;

/// <summary>The estimator's path for real-valued columns: Gaussian visible units on standardised rows (vpf-math.md §9).</summary>
public sealed partial class VpfFeaturizerEstimator
{
    /// <summary>
    /// Reads the column as real values (each finite), standardises it with the statistics of these rows (or the ones
    /// given in the options), and trains a machine with Gaussian visible units on the standardised rows.
    /// </summary>
    private DeepBoltzmannMachine TrainGaussian(IDataView input, Microsoft.ML.DataViewSchema.Column column, int width,
        int seed, int initSeed, int trainSeed, out Standardisation standardisation)
    {
        var raw = RealColumnReader.Read(input, column, width, out int rows);
        if (rows == 0) throw new InvalidOperationException($"Empty data in column '{InputColumnName}'.");
        standardisation = _options.Standardisation ?? Standardisation.Fit(RealDataset.FromValues(raw, rows, width));
        if (standardisation.Dimension != width)
            throw new ArgumentOutOfRangeException(nameof(VpfFeaturizerOptions.Standardisation),
                $"The standardisation has {standardisation.Dimension} columns but column '{InputColumnName}' has {width}.");
        RealColumnReader.Standardise(raw, width, standardisation, column.Name);
        var data = RealDataset.FromValues(raw, rows, width);

        var plan = _options.BuildPlan(width, initSeed, trainSeed);
        using var channel = _host.Start("Training");
        channel.Info(MessageSensitivity.None,
            $"{plan.Method.Name}: {plan.Architecture} on {rows} standardised rows, {_options.Epochs} epochs, seed {seed}.");
        return plan.Run(data, progress: progress =>
        {
            if (progress.Batch == progress.BatchesPerEpoch)
                channel.Info(MessageSensitivity.None, $"Epoch {progress.Epoch}: mean {plan.Method.ObjectiveName} {progress.EpochMeanObjective:G6} ({progress.Seconds:F1} s).");
        }).Model;
    }

    /// <summary>
    /// A trained machine with Gaussian visible units needs the standardisation it was trained with (one column per
    /// visible unit); a binary one must not be given any. Throws <see cref="ArgumentOutOfRangeException"/> naming the option.
    /// </summary>
    private void CheckStandardisation(DeepBoltzmannMachine trained)
    {
        var standardisation = _options.Standardisation;
        string field = nameof(VpfFeaturizerOptions.Standardisation);
        if (!trained.Architecture.HasGaussianVisible)
        {
            if (standardisation is not null)
                throw new ArgumentOutOfRangeException(field,
                    $"The machine {trained.Architecture} has binary visible units; a standardisation applies to Gaussian visible units only (give null).");
            return;
        }
        if (standardisation is null)
            throw new ArgumentOutOfRangeException(field,
                $"The machine {trained.Architecture} has Gaussian visible units: give the standardisation it was trained with " +
                "(TrainModel(data, out standardisation)), or zero means and unit scales for an input that is already standardised.");
        if (standardisation.Dimension != trained.LayerSize(0))
            throw new ArgumentOutOfRangeException(field,
                $"The standardisation has {standardisation.Dimension} columns but the machine has {trained.LayerSize(0)} visible units.");
    }
}
