using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Training;

/// <summary>
/// MPF for an RBM with its hidden units summed out through the free energy
/// F(v) = −bᵀv − Σ_j softplus(c_j + (vW)_j): K = mean over the batch of Σ_k exp(½ (F(v) − F(v with k flipped))).
/// The classic baseline of the MPF paper (vpf-math.md §2).
/// </summary>
/// <remarks>
/// Computed in single precision by the <see cref="RbmFlipFlow"/> kernel (one blocked, threaded pass over
/// batch × visible × hidden with tabulated e^{±W}); results depend on the seed-free data only, not on the thread count.
/// Against the double-precision formulas K and every gradient entry agree to a relative error of about 1e-5
/// (tested at 1e-4). Exponents are clamped to ±<see cref="ExponentLimit"/> (the same bound as the kernel's field limit
/// of ±60 on u/2) and counted. Visible states are binary.
/// </remarks>
internal sealed class MpfRbm : ITrainingObjective, IMeanRateSource
{
    /// <summary>Bound on each flip's exponent ½ (F(v) − F(v′)).</summary>
    internal const double ExponentLimit = 30;

    private readonly RbmFlipFlow _flow = new();
    private int _lastRows;
    private float[] _lastVisible = [], _rates = [];
    private DeepBoltzmannMachine? _lastModel;

    /// <inheritdoc />
    /// <remarks>The hidden probabilities σ(c + vW) of the last batch.</remarks>
    bool IMeanRateSource.TryGetMeanRates(int layer, Span<float> mean)
    {
        if (_lastRows == 0 || layer != 1 || _lastModel is null) return false;
        int nv = _lastModel.LayerSize(0), nh = _lastModel.LayerSize(1);
        if (_rates.Length < _lastRows * nh) _rates = new float[_lastRows * nh];
        var rates = _rates.AsSpan(0, _lastRows * nh);
        LayerConditional.RatesFromNeighbours(_lastModel, 1, _lastVisible.AsSpan(0, _lastRows * nv), default, rates, _lastRows);
        MeanRates.ColumnMeans(rates, _lastRows, mean);
        return true;
    }

    /// <inheritdoc />
    public void Validate(Architecture architecture)
    {
        if (!architecture.IsRbm || architecture.HasLateral[0])
            throw new InvalidOptionsException("layers", $"MPF-RBM needs an RBM (two layers, no lateral weights); got {architecture}.");
        GaussianVisible.Refuse(architecture, "MPF-RBM (use marginal score matching)");
    }

    /// <inheritdoc />
    public ObjectiveValue Evaluate(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, ParameterSet gradient, ulong randomKey)
    {
        Validate(model.Architecture);
        int nv = model.LayerSize(0);
        if (visible.Length < rows * nv)
            throw new ArgumentException($"Expected {rows} rows of {nv} visible units ({rows * nv} values); got {visible.Length}.", nameof(visible));
        // Kept for TryGetMeanRates: the trainer asks for the batch's hidden rates before it changes the model.
        if (_lastVisible.Length < rows * nv) _lastVisible = new float[rows * nv];
        visible[..(rows * nv)].CopyTo(_lastVisible);
        (_lastRows, _lastModel) = (rows, model);
        var result = _flow.Evaluate(visible[..(rows * nv)], rows, model.Weights(0), model.Biases(0), model.Biases(1),
            gradient.Weights[0], gradient.Biases[0], gradient.Biases[1], ExponentLimit);
        return new ObjectiveValue(result.MeanFlow, result.ClampCount);
    }
}
