using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Training;

/// <summary>
/// MPF for an RBM with its hidden units summed out through the free energy
/// F(v) = −bᵀv − Σ_j softplus(c_j + (vW)_j): K = mean over the batch of Σ_k exp(½ (F(v) − F(v with k flipped))).
/// The classic baseline of the MPF paper (vpf-math.md §2).
/// </summary>
/// <remarks>
/// With s_k = 1 − 2v_k and z = c + vW, the exponent of visible unit k is
/// ½ [s_k b_k + Σ_j (softplus(z_j + s_k W_kj) − softplus(z_j))]. Writing e_k for its term and
/// g_j = Σ_k e_k (σ(z_j + s_k W_kj) − σ(z_j)), the gradient is ∂K/∂b_k = ½ s_k e_k, ∂K/∂c_j = ½ g_j and
/// ∂K/∂W_mj = ½ (v_m g_j + e_m s_m σ(z_j + s_m W_mj)). Exponents are clamped to ±30 (the same bound as the kernel's
/// field limit of ±60 on u/2) and counted.
/// </remarks>
public sealed class MpfRbm : ITrainingObjective, IMeanRateSource
{
    private int _lastRows;
    private const double ExponentLimit = 30;
    private float[] _z = [];
    private double[] _e = [], _g = [];

    /// <inheritdoc />
    /// <remarks>The hidden probabilities σ(c + vW) of the last batch.</remarks>
    public bool TryGetMeanRates(int layer, Span<float> mean)
    {
        if (_lastRows == 0 || layer != 1) return false;
        int nh = mean.Length;
        var rates = new float[_lastRows * nh];
        for (int i = 0; i < rates.Length; i++) rates[i] = (float)Sigmoid(_z[i]);
        MeanRates.ColumnMeans(rates, _lastRows, mean);
        return true;
    }

    /// <inheritdoc />
    public void Validate(Architecture architecture)
    {
        if (!architecture.IsRbm || architecture.HasLateral[0])
            throw new InvalidOptionsException("layers", $"MPF-RBM needs an RBM (two layers, no lateral weights); got {architecture}.");
    }

    /// <inheritdoc />
    public FlowEvaluation Evaluate(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, ParameterSet gradient, ulong randomKey)
    {
        Validate(model.Architecture);
        int nv = model.LayerSize(0), nh = model.LayerSize(1);
        if (visible.Length < rows * nv)
            throw new ArgumentException($"Expected {rows} rows of {nv} visible units ({rows * nv} values); got {visible.Length}.", nameof(visible));
        if (_z.Length < rows * nh) _z = new float[rows * nh];
        if (_e.Length < nv) _e = new double[nv];
        if (_g.Length < nh) _g = new double[nh];

        var w = model.Weights(0);
        var b = model.Biases(0);
        var z = _z.AsSpan(0, rows * nh);
        LocalField.BroadcastBias(model.Biases(1), z, rows);
        MatrixProduct.Multiply(visible[..(rows * nv)], w, z, rows, nv, nh, accumulate: true);
        _lastRows = rows;

        gradient.Clear();
        var gw = gradient.Weights[0];
        var gb = gradient.Biases[0];
        var gc = gradient.Biases[1];
        double total = 0;
        long clamped = 0;
        for (int r = 0; r < rows; r++)
        {
            var v = visible.Slice(r * nv, nv);
            var zr = z.Slice(r * nh, nh);
            Array.Clear(_g, 0, nh);
            for (int k = 0; k < nv; k++)
            {
                double s = 1 - 2 * v[k];
                double exponent = s * b[k];
                for (int j = 0; j < nh; j++)
                    exponent += Softplus(zr[j] + s * w[k * nh + j]) - Softplus(zr[j]);
                exponent *= 0.5;
                if (exponent > ExponentLimit) { exponent = ExponentLimit; clamped++; }
                else if (exponent < -ExponentLimit) { exponent = -ExponentLimit; clamped++; }
                double e = Math.Exp(exponent);
                _e[k] = e;
                total += e;
                gb[k] += (float)(0.5 * s * e);
                for (int j = 0; j < nh; j++)
                    _g[j] += e * (Sigmoid(zr[j] + s * w[k * nh + j]) - Sigmoid(zr[j]));
            }
            for (int j = 0; j < nh; j++) gc[j] += (float)(0.5 * _g[j]);
            for (int m = 0; m < nv; m++)
            {
                double s = 1 - 2 * v[m];
                double vm = v[m], em = _e[m];
                for (int j = 0; j < nh; j++)
                    gw[m * nh + j] += (float)(0.5 * (vm * _g[j] + em * s * Sigmoid(zr[j] + s * w[m * nh + j])));
            }
        }
        float scale = 1f / rows;
        foreach (var t in gradient.Tensors)
            for (int i = 0; i < t.Length; i++) t[i] *= scale;
        return new FlowEvaluation(total / rows, clamped);
    }

    private static double Softplus(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));

    private static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));
}
