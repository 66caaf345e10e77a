using Vpf.Core.Inference;

namespace Vpf.Core.Evaluation;

/// <summary>Options of <see cref="LinearProbe"/>.</summary>
public sealed record LinearProbeOptions
{
    /// <summary>Mean-field sweeps when computing the hidden rates (as in <see cref="MeanFieldSweep.Infer"/>). Default 10.</summary>
    public int Sweeps { get; init; } = 10;

    /// <summary>Damping of layers with lateral weights. Default <see cref="MeanFieldSweep.DefaultDamping"/>.</summary>
    public float Damping { get; init; } = MeanFieldSweep.DefaultDamping;

    /// <summary>Rows whose rates are inferred at a time (bounds the scratch memory). Default 1000.</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>Use only the first this many training rows (null: all), to keep the probe cheap during training.</summary>
    public int? MaxTrainRows { get; init; }

    /// <summary>Also fit the same probe on raw pixels, the reference the hidden features must beat. Default true.</summary>
    public bool IncludePixelBaseline { get; init; } = true;

    /// <summary>The classifier's options.</summary>
    public SoftmaxRegressionOptions Regression { get; init; } = new();

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (Sweeps < 0) throw new InvalidOptionsException(nameof(Sweeps), $"must be ≥ 0; got {Sweeps}.");
        if (!(Damping >= 0f && Damping < 1f)) throw new InvalidOptionsException(nameof(Damping), $"must be in [0, 1); got {Damping}.");
        if (BatchSize < 1) throw new InvalidOptionsException(nameof(BatchSize), $"must be ≥ 1; got {BatchSize}.");
        if (MaxTrainRows is < 1) throw new InvalidOptionsException(nameof(MaxTrainRows), $"must be ≥ 1 or null; got {MaxTrainRows}.");
        Regression.Validate();
    }
}

/// <summary>The result of <see cref="LinearProbe.Evaluate"/>.</summary>
/// <param name="HiddenAccuracy">Test accuracy of the probe on the mean-field hidden rates.</param>
/// <param name="PixelAccuracy">Test accuracy of the same probe on raw pixels (NaN when not asked for).</param>
/// <param name="Layers">The hidden layers whose rates were concatenated.</param>
/// <param name="FeatureCount">Number of hidden features (the sum of those layers' sizes).</param>
/// <param name="PixelCount">Number of pixel features.</param>
/// <param name="TrainRows">Training rows used.</param>
/// <param name="TestRows">Test rows scored.</param>
/// <param name="Seconds">Wall-clock seconds of the hidden probe (inference on both sets, fit, scoring).</param>
/// <param name="PixelSeconds">Wall-clock seconds of the pixel probe (0 when not run).</param>
public sealed record LinearProbeResult(
    double HiddenAccuracy, double PixelAccuracy, IReadOnlyList<int> Layers, int FeatureCount, int PixelCount,
    int TrainRows, int TestRows, double Seconds, double PixelSeconds);
