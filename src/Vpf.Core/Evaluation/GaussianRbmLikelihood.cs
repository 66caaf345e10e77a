using Vpf.Core.Model;

namespace Vpf.Core.Evaluation;

/// <summary>
/// Exact likelihood of an RBM with Gaussian visible units (vpf-math.md §9), in double: the free energy
/// F(v) = ½|v − b|² − Σ_j softplus(c_j + (vW)_j) and, by enumerating the hidden layer,
/// log Z = (D/2) log 2π − ½|b|² + log Σ_h exp(cᵀh + ½|b + W h|²). Likelihoods are in nats on the scale of the data
/// the model sees (standardised data: the standardisation's log-determinant is not included).
/// </summary>
internal static class GaussianRbmLikelihood
{
    /// <summary>Largest hidden layer enumerated: 2^24 configurations, each O(n_v) after a Gray-code step.</summary>
    public const int MaxEnumeratedHidden = ExactLikelihood.MaxEnumeratedUnits;

    /// <summary>log Z by enumerating the 2^{n_h} hidden configurations in Gray-code order (one column of W added or removed per step).</summary>
    /// <exception cref="InvalidOptionsException">Not a Gaussian-visible RBM, or more than <see cref="MaxEnumeratedHidden"/> hidden units (option "Architecture").</exception>
    public static double LogPartition(DeepBoltzmannMachine model)
    {
        Check(model);
        int nv = model.LayerSize(0), nh = model.LayerSize(1);
        if (nh > MaxEnumeratedHidden)
            throw new InvalidOptionsException("Architecture",
                $"exact log Z enumerates the hidden layer, at most {MaxEnumeratedHidden} units; {model.Architecture} has {nh}.");
        var w = model.Weights(0);
        var b = model.Biases(0);
        var c = model.Biases(1);
        var a = new double[nv]; // b + W h of the current configuration
        double bNorm = 0;
        for (int i = 0; i < nv; i++) { a[i] = b[i]; bNorm += (double)b[i] * b[i]; }
        double linear = 0; // cᵀh
        var h = new bool[nh];
        // Streaming log-sum-exp: the running maximum rescales the running sum.
        double max = double.NegativeInfinity, sum = 0;
        long count = 1L << nh;
        for (long step = 0; step < count; step++)
        {
            if (step > 0)
            {
                int j = System.Numerics.BitOperations.TrailingZeroCount(step); // the unit a Gray code flips at this step
                double sign = h[j] ? -1 : 1;
                h[j] = !h[j];
                linear += sign * c[j];
                for (int i = 0; i < nv; i++) a[i] += sign * w[i * nh + j];
            }
            double t = linear;
            for (int i = 0; i < nv; i++) t += 0.5 * a[i] * a[i];
            if (t > max)
            {
                sum = sum * Math.Exp(max - t) + 1;
                max = t;
            }
            else sum += Math.Exp(t - max);
        }
        return 0.5 * nv * Math.Log(2 * Math.PI) - 0.5 * bNorm + max + Math.Log(sum);
    }

    /// <summary>Free energies F(v) = ½|v − b|² − Σ_j softplus(c_j + (vW)_j) of rows × n_v visible vectors, in double.</summary>
    public static double[] FreeEnergies(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows)
    {
        Check(model);
        int nv = model.LayerSize(0), nh = model.LayerSize(1);
        if (rows < 0 || visible.Length != rows * nv)
            throw new ArgumentException($"Expected {rows} rows of {nv} visible units ({rows * nv} values); got {visible.Length}.", nameof(visible));
        var w = model.Weights(0);
        var b = model.Biases(0);
        var c = model.Biases(1);
        var f = new double[rows];
        var z = new double[nh];
        for (int r = 0; r < rows; r++)
        {
            var v = visible.Slice(r * nv, nv);
            for (int j = 0; j < nh; j++) z[j] = c[j];
            double e = 0;
            for (int i = 0; i < nv; i++)
            {
                double vi = v[i], d = vi - b[i];
                e += 0.5 * d * d;
                for (int j = 0; j < nh; j++) z[j] += vi * w[i * nh + j];
            }
            for (int j = 0; j < nh; j++) e -= FreeEnergy.Softplus(z[j]);
            f[r] = e;
        }
        return f;
    }

    /// <summary>Mean over rows of log p(v) = −F(v) − log Z, in nats.</summary>
    public static double MeanLogLikelihood(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, double logPartition)
    {
        if (rows < 1) throw new ArgumentException("At least one row is needed.", nameof(rows));
        return -FreeEnergies(model, visible, rows).Average() - logPartition;
    }

    private static void Check(DeepBoltzmannMachine model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.Architecture.IsRbm || !model.Architecture.HasGaussianVisible)
            throw new InvalidOptionsException("Architecture",
                $"the Gaussian RBM likelihood needs an RBM with Gaussian visible units (two layers, no lateral weights); got {model.Architecture}.");
    }
}
