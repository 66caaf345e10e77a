using Vpf.Core.Model;
using Vpf.Core.Training;
using Vpf.Kernels;

namespace Vpf.Core.Tests.Support;

/// <summary>
/// The double-precision, one-thread evaluation of <see cref="MpfRbm"/>'s K and gradient, straight from the formulas:
/// the reference that the single-precision kernel is tested against.
/// </summary>
/// <remarks>
/// With s_k = 1 − 2v_k and z = c + vW, the exponent of visible unit k is
/// ½ [s_k b_k + Σ_j (softplus(z_j + s_k W_kj) − softplus(z_j))]. Writing e_k for its term and
/// g_j = Σ_k e_k (σ(z_j + s_k W_kj) − σ(z_j)), the gradient is ∂K/∂b_k = ½ s_k e_k, ∂K/∂c_j = ½ g_j and
/// ∂K/∂W_mj = ½ (v_m g_j + e_m s_m σ(z_j + s_m W_mj)). Exponents are clamped to ±<see cref="MpfRbm.ExponentLimit"/> and counted.
/// </remarks>
internal static class MpfRbmReference
{
    /// <summary>K (mean over rows) and its gradient, written into <paramref name="gradient"/>.</summary>
    public static ObjectiveValue Evaluate(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, ParameterSet gradient)
    {
        int nv = model.LayerSize(0), nh = model.LayerSize(1);
        var flows = new double[nv];
        var hiddenTerms = new double[nh];
        const double ExponentLimit = MpfRbm.ExponentLimit;
        var w = model.Weights(0);
        var b = model.Biases(0);
        var z = new float[rows * nh].AsSpan();
        FieldActivation.BroadcastBias(model.Biases(1), z, rows);
        MatrixProduct.Multiply(visible[..(rows * nv)], w, z, rows, nv, nh, accumulate: true);

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
            Array.Clear(hiddenTerms);
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
                flows[k] = e;
                total += e;
                gb[k] += (float)(0.5 * s * e);
                for (int j = 0; j < nh; j++)
                    hiddenTerms[j] += e * (Sigmoid(zr[j] + s * w[k * nh + j]) - Sigmoid(zr[j]));
            }
            for (int j = 0; j < nh; j++) gc[j] += (float)(0.5 * hiddenTerms[j]);
            for (int m = 0; m < nv; m++)
            {
                double s = 1 - 2 * v[m];
                double vm = v[m], em = flows[m];
                for (int j = 0; j < nh; j++)
                    gw[m * nh + j] += (float)(0.5 * (vm * hiddenTerms[j] + em * s * Sigmoid(zr[j] + s * w[m * nh + j])));
            }
        }
        float scale = 1f / rows;
        foreach (var t in gradient.Tensors)
            for (int i = 0; i < t.Length; i++) t[i] *= scale;
        return new ObjectiveValue(total / rows, clamped);
    }

    private static double Softplus(double x) => FreeEnergy.Softplus(x);

    private static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));
}
