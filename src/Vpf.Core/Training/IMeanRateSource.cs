namespace Vpf.Core.Training;

/// <summary>
/// An objective that can say how active each hidden unit was on the last evaluated batch: the batch mean of its
/// positive-phase rates (VPF's E-step μ, MPF-RBM's and CD's σ(c + vW), DBM-PCD's data-dependent mean field). The
/// hidden offsets of centering follow these means; an objective without this interface leaves them where they start.
/// </summary>
internal interface IMeanRateSource
{
    /// <summary>
    /// Writes the mean over the rows of the last evaluated batch of the rates of hidden layer <paramref name="layer"/>
    /// (≥ 1) into <paramref name="mean"/> (length n_layer). Returns false when nothing has been evaluated yet.
    /// </summary>
    bool TryGetMeanRates(int layer, Span<float> mean);
}
