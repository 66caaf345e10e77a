using Vpf.Core.Inference;
using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Training;

/// <summary>
/// The M-step of VPF (and the whole of MPF): K and its gradient on joint states held fixed (vpf-math.md §3.3).
/// With φ_k = x_k e^{−u_k/2} + (1 − x_k) e^{u_k/2} and δ_k = ∂φ_k/∂u_k:
/// ∂K/∂b_l = mean δ_l, ∂K/∂W_l = (x_lᵀδ_{l+1} + δ_lᵀx_{l+1}) / B, ∂K/∂L_l = (x_lᵀδ_l + δ_lᵀx_l) / B with zero diagonal.
/// Every edge's update is δ_k x_j + δ_j x_k: it sees only the two units it joins. A Gaussian visible layer contributes
/// the score-matching terms ½ r_i² − 1 with δ_i = −r_i (vpf-math.md §9) in place of its flip terms.
/// </summary>
internal sealed class FlowGradient
{
    private readonly DeepBoltzmannMachine _model;
    private readonly float[][] _fields;
    private readonly float[][] _deltas;
    private readonly float[]?[] _lateralScratch;

    /// <summary>Allocates the work buffers for batches of up to <paramref name="maxRows"/> rows.</summary>
    public FlowGradient(DeepBoltzmannMachine model, int maxRows)
    {
        _model = model;
        MaxRows = maxRows;
        int layers = model.LayerCount;
        _fields = new float[layers][];
        _deltas = new float[layers][];
        _lateralScratch = new float[]?[layers];
        for (int l = 0; l < layers; l++)
        {
            int n = model.LayerSize(l);
            _fields[l] = new float[maxRows * n];
            _deltas[l] = new float[maxRows * n];
            if (model.Lateral(l) is not null) _lateralScratch[l] = new float[n * n];
        }
    }

    /// <summary>Largest batch the buffers hold.</summary>
    public int MaxRows { get; }

    /// <summary>Local fields u_l of the last <see cref="Compute"/> call (rows × n_l).</summary>
    public IReadOnlyList<float[]> Fields => _fields;

    /// <summary>δ_l of the last <see cref="Compute"/> call (rows × n_l).</summary>
    public IReadOnlyList<float[]> Deltas => _deltas;

    /// <summary>
    /// Computes K at <paramref name="states"/> (binary spikes, or rates in [0, 1]) and overwrites
    /// <paramref name="gradient"/> with ∂K/∂θ, states held fixed.
    /// </summary>
    public ObjectiveValue Compute(IReadOnlyList<float[]> states, int rows, ParameterSet gradient)
    {
        if (rows < 1 || rows > MaxRows)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"Batch must have 1…{MaxRows} rows.");
        var model = _model;
        int layers = model.LayerCount;
        var sums = new FlowSums(0, 0);
        for (int l = 0; l < layers; l++)
        {
            int n = model.LayerSize(l);
            var u = _fields[l].AsSpan(0, rows * n);
            LocalFields.Compute(model, states, l, u, rows);
            // A Gaussian visible layer's pair (φ, δ) is the score-matching pair (½ r² − 1, −r), r = v − u (vpf-math.md §9);
            // the accumulation below is the same for both kinds.
            sums += l == 0 && model.Architecture.HasGaussianVisible
                ? GaussianUnits.ScoreMatchingTerms(states[l].AsSpan(0, rows * n), u, _deltas[l].AsSpan(0, rows * n))
                : FlowTerms.Compute(states[l].AsSpan(0, rows * n), u, _deltas[l].AsSpan(0, rows * n));
        }

        gradient.Clear();
        float scale = 1f / rows;
        for (int l = 0; l < layers; l++)
        {
            int n = model.LayerSize(l);
            var x = states[l].AsSpan(0, rows * n);
            var d = _deltas[l].AsSpan(0, rows * n);
            GradientAccumulation.AccumulateColumnSums(d, gradient.Biases[l], rows, scale);
            if (l + 1 < layers)
            {
                int m = model.LayerSize(l + 1);
                var xAbove = states[l + 1].AsSpan(0, rows * m);
                var dAbove = _deltas[l + 1].AsSpan(0, rows * m);
                MatrixProduct.AccumulateTransposedProduct(x, dAbove, gradient.Weights[l], n, rows, m, scale);
                MatrixProduct.AccumulateTransposedProduct(d, xAbove, gradient.Weights[l], n, rows, m, scale);
            }
            if (_lateralScratch[l] is { } g)
            {
                Array.Clear(g);
                MatrixProduct.AccumulateTransposedProduct(x, d, g, n, rows, n, scale);
                GradientAccumulation.SymmetrizeWithZeroDiagonal(g, n);
                GradientAccumulation.AddScaled(g, gradient.Laterals[l]!, 1f);
            }
        }
        return new ObjectiveValue(sums.Phi / rows, sums.Clamped);
    }
}
