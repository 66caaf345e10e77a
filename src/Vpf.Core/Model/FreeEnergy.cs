namespace Vpf.Core.Model;

/// <summary>
/// The free energy of binary units summed out of the joint distribution, in double: a layer of units with fields u
/// contributes log Σ_h exp(uᵀh) = Σ_j softplus(u_j). The RBM free energy, the exact enumeration of deeper machines and
/// the reconstruction cross-entropy all take it from here.
/// </summary>
internal static class FreeEnergy
{
    /// <summary>log(1 + eˣ) without overflow.</summary>
    public static double Softplus(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));

    /// <summary>
    /// <paramref name="total"/> + Σ_j softplus(u_j), added term by term (so a running sum keeps one rounding order): adds
    /// minus the free energy of a layer of binary units with fields u.
    /// </summary>
    public static double AddSummedOut(double total, ReadOnlySpan<double> fields)
    {
        foreach (double u in fields) total += Softplus(u);
        return total;
    }

    /// <summary>
    /// F(v) = −bᵀv − ½vᵀL₀v − Σ_j softplus(c_j + (vW)_j) of one visible vector of an RBM (the lateral term only if the
    /// visible layer has one), summing only the units that are on: rows of binary data are sparse.
    /// </summary>
    public static double Rbm(DeepBoltzmannMachine model, ReadOnlySpan<float> v)
    {
        int nv = model.LayerSize(0), nh = model.LayerSize(1);
        var w = model.Weights(0);
        var b = model.Biases(0);
        var c = model.Biases(1);
        var lateral = model.Lateral(0);
        var z = new double[nh];
        for (int j = 0; j < nh; j++) z[j] = c[j];
        double f = 0;
        for (int k = 0; k < nv; k++)
        {
            double vk = v[k];
            if (vk == 0) continue;
            f -= b[k] * vk;
            if (lateral is not null)
                for (int j = k + 1; j < nv; j++) f -= lateral[k * nv + j] * vk * v[j];
            var row = w.AsSpan(k * nh, nh);
            for (int j = 0; j < nh; j++) z[j] += vk * row[j];
        }
        return -AddSummedOut(-f, z); // rounding is symmetric in sign: the same bits as subtracting term by term
    }
}
