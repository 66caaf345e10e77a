using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Training;

/// <summary>
/// Score matching of an RBM with Gaussian visible units and its hidden units summed out (vpf-math.md §9), the analogue
/// of <see cref="MpfRbm"/> for real-valued data: with s = σ(c + vW) and ρ = v − b − W s,
/// J = mean over the batch of ½|ρ|² + Σ_ij W_ij² s_j(1 − s_j) − D (Hyvärinen's objective, D the visible units).
/// </summary>
/// <remarks>
/// Gradient, per datum (then averaged): ∂J/∂b = −ρ, ∂J/∂c = e, ∂J/∂W_ij = −ρ_i s_j + 2 W_ij s_j(1 − s_j) + e_j v_i with
/// e_j = g_j t_j + g_j(1 − 2 s_j) Σ_i W_ij², g = s(1 − s), t = −ρW. Matrix products, the residual and e run in the
/// kernels; the per-column means of g are accumulated in double. Nothing is exponentiated beyond σ, so
/// <see cref="ObjectiveValue.ClampCount"/> is 0.
/// </remarks>
internal sealed class ScoreMatchingRbm : ITrainingObjective, IMeanRateSource
{
    private int _lastRows;
    private float[] _rates = [], _means = [], _residual = [], _errors = [], _squares = [], _meanG = [];

    /// <inheritdoc />
    /// <remarks>The hidden probabilities σ(c + vW) of the last batch.</remarks>
    bool IMeanRateSource.TryGetMeanRates(int layer, Span<float> mean)
    {
        if (_lastRows == 0 || layer != 1) return false;
        MeanRates.ColumnMeans(_rates.AsSpan(0, _lastRows * mean.Length), _lastRows, mean);
        return true;
    }

    /// <inheritdoc />
    public void Validate(Architecture architecture)
    {
        if (!architecture.IsRbm || architecture.HasLateral[0])
            throw new InvalidOptionsException("layers", $"marginal score matching needs an RBM (two layers, no lateral weights); got {architecture}.");
        if (!architecture.HasGaussianVisible)
            throw new InvalidOptionsException("layers",
                $"marginal score matching needs Gaussian visible units (real-valued data); {architecture} has binary visible units — use MPF-RBM.");
    }

    /// <inheritdoc />
    public ObjectiveValue Evaluate(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, ParameterSet gradient, ulong randomKey)
    {
        Validate(model.Architecture);
        int nv = model.LayerSize(0), nh = model.LayerSize(1);
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "Batch must have at least one row.");
        if (visible.Length < rows * nv)
            throw new ArgumentException($"Expected {rows} rows of {nv} visible units ({rows * nv} values); got {visible.Length}.", nameof(visible));
        Ensure(rows, nv, nh);
        var v = visible[..(rows * nv)];
        var w = model.Weights(0);
        var s = _rates.AsSpan(0, rows * nh);
        var means = _means.AsSpan(0, rows * nv);
        var minusRho = _residual.AsSpan(0, rows * nv);
        var e = _errors.AsSpan(0, rows * nh);
        var squares = _squares.AsSpan(0, nh);

        // s = σ(c + vW); means = b + s Wᵀ; −ρ = means − v with Σ(½ρ² − 1) from the score-matching kernel.
        MatrixProduct.Multiply(v, w, s, rows, nv, nh);
        LayerConditional.Rates(model, 1, s, model.Biases(1), s, rows);
        Sampling.GaussianVisibleGibbs.Means(model, s, means, rows);
        double residualTerms = GaussianUnits.ScoreMatchingTerms(v, means, minusRho).Phi;
        _lastRows = rows;

        // q_j = Σ_i W_ij² and ḡ_j = mean_r s(1 − s), in double: the Laplacian term and its direct weight gradient.
        squares.Clear();
        for (int i = 0; i < nv; i++)
            for (int j = 0; j < nh; j++) squares[j] += w[i * nh + j] * w[i * nh + j];
        double laplacian = 0;
        for (int j = 0; j < nh; j++)
        {
            double g = 0;
            for (int r = 0; r < rows; r++) g += (double)s[r * nh + j] * (1 - s[r * nh + j]);
            _meanG[j] = (float)(g / rows);
            laplacian += squares[j] * g;
        }

        // t = −ρW, then e = g·t + g(1 − 2s)·q.
        MatrixProduct.Multiply(minusRho, w, e, rows, nv, nh);
        GaussianUnits.ScoreMatchingHiddenErrors(s, squares, e, rows);

        gradient.Clear();
        float scale = 1f / rows;
        var gw = gradient.Weights[0];
        MatrixProduct.AccumulateTransposedProduct(minusRho, s, gw, nv, rows, nh, scale);
        MatrixProduct.AccumulateTransposedProduct(v, e, gw, nv, rows, nh, scale);
        for (int i = 0; i < nv; i++)
            for (int j = 0; j < nh; j++) gw[i * nh + j] += 2f * w[i * nh + j] * _meanG[j];
        GradientAccumulation.AccumulateColumnSums(minusRho, gradient.Biases[0], rows, scale);
        GradientAccumulation.AccumulateColumnSums(e, gradient.Biases[1], rows, scale);
        return new ObjectiveValue((residualTerms + laplacian) / rows, 0);
    }

    private void Ensure(int rows, int nv, int nh)
    {
        if (_squares.Length == nh && _rates.Length >= rows * nh && _residual.Length >= rows * nv) return;
        _rates = new float[rows * nh];
        _errors = new float[rows * nh];
        _means = new float[rows * nv];
        _residual = new float[rows * nv];
        _squares = new float[nh];
        _meanG = new float[nh];
    }
}
