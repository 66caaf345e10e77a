using Vpf.Core.Inference;
using Vpf.Core.Model;
using Vpf.Core.Sampling;
using Vpf.Kernels;

namespace Vpf.Core.Evaluation;

/// <summary>
/// Annealed importance sampling (Neal 2001) of log Z for RBMs (Salakhutdinov &amp; Murray 2008) and DBMs
/// (Salakhutdinov &amp; Hinton 2009), with the base-rate model as the starting distribution.
/// </summary>
/// <remarks>
/// <para>
/// The intermediate distributions are p_β(x) ∝ exp(−β E(x) + (1 − β) aᵀv), where a are the base-rate visible biases
/// (log(p/(1 − p)) of the data marginals, or 0). At β = 0 every unit is independent (hidden units uniform), so
/// log Z_0 = Σ_i softplus(a_i) + (number of hidden units)·log 2; at β = 1 the model itself. This is the paper's base model
/// "same units, zero weights": its hidden units contribute only constants.
/// </para>
/// <para>
/// When no odd layer has lateral weights (every RBM, every DBM without laterals, and DBMs whose laterals sit only in even
/// layers), the odd layers are summed out analytically, as in both papers: AIS runs on the even layers with
/// log p*_β(x_even) = β Σ_even (bᵀx + ½ xᵀLx) + (1 − β) aᵀv + Σ_odd Σ_j softplus(β u_j), u_j the odd unit's field from its even
/// neighbours. Otherwise AIS runs on the full joint state with log p*_β(x) = −β E(x) + (1 − β) aᵀv. Either way the
/// transition at β_k is one Gibbs sweep at that temperature — odd layers given even, then even given odd, with layers
/// that have lateral weights updated unit by unit — which leaves p_{β_k} invariant.
/// </para>
/// <para>
/// <b>Gaussian visible units</b> (vpf-math.md §9, "AIS"): the quadratic term ½|v|² of the energy is kept at full strength
/// at every temperature, p*_β(x) = exp(−½|v|² + β(−E(x) + ½|v|² + ½|b|²) + (1 − β) aᵀv), so the base is v ~ N(a, I) with
/// a the base mean (<see cref="AisOptions.VisibleBaseMeans"/>, or 0) and independent uniform hidden units,
/// log Z_0 = (D/2) log 2π + ½|a|² + (hidden units)·log 2; the visible conditional at β is N(β(b + W h) + (1 − β) a, I),
/// and log Z = log Z*_1 − ½|b|². Everything that is linear in β (the weight increments, the analytic sum over odd layers)
/// is the binary machine's term verbatim, so RBMs and DBMs with Gaussian visible units run through the same code.
/// </para>
/// <para>
/// All runs move together: for an RBM each temperature costs one runs × n_v · n_v × n_h product (the hidden fields,
/// shared by the weight increment and the hidden sample) and one runs × n_h · (n_v × n_h)ᵀ product (the visible
/// fields), plus elementwise work. Weight increments are accumulated in double. Every random number comes from
/// <see cref="CounterRandom"/> with stream key (seed, temperature, layer), so the estimate depends only on the seed.
/// </para>
/// </remarks>
public static class AnnealedImportanceSampling
{
    /// <summary>
    /// Estimates log Z of <paramref name="model"/> (any architecture: RBM, DBM, lateral weights, fully visible; binary or
    /// Gaussian visible units).
    /// </summary>
    /// <exception cref="InvalidOptionsException">An option is out of range, or a base of the other kind of visible unit
    /// is given (<see cref="AisOptions.DataMarginals"/> for Gaussian units, <see cref="AisOptions.VisibleBaseMeans"/> for binary ones).</exception>
    public static AisEstimate EstimateLogPartition(DeepBoltzmannMachine model, AisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new AisOptions();
        var (logWeights, logZ0) = Run(model, options);
        return Summarise(logWeights, logZ0, options.Schedule.Temperatures);
    }

    /// <summary>True when AIS sums the odd layers out analytically (no odd layer has lateral weights).</summary>
    internal static bool SumsOutOddLayers(Architecture architecture)
    {
        if (architecture.LayerCount < 2) return false;
        for (int l = 1; l < architecture.LayerCount; l += 2)
            if (architecture.HasLateral[l]) return false;
        return true;
    }

    /// <summary>
    /// Mean test log-likelihood of an RBM, mean_r (−F(v_r)) − log Z, for rows × n_v visible vectors (for Gaussian visible
    /// units F(v) = ½|v − b|² − Σ_j softplus(c_j + (vW)_j), in nats on the scale the model sees).
    /// </summary>
    public static double RbmMeanLogLikelihood(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, double logPartition)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (rows < 1) throw new ArgumentException("At least one row is needed.", nameof(rows));
        var f = model.Architecture.HasGaussianVisible
            ? GaussianRbmLikelihood.FreeEnergies(model, visible, rows)
            : ExactLikelihood.RbmFreeEnergies(model, visible, rows);
        return -f.Average() - logPartition;
    }

    /// <summary>log Z = log Z_0 + log mean w, bounds log(mean ± 3·std/√runs), all in a shifted scale to avoid overflow.</summary>
    internal static AisEstimate Summarise(double[] logWeights, double logZ0, int temperatures)
    {
        int runs = logWeights.Length;
        double max = logWeights.Max();
        double mean = 0;
        foreach (double lw in logWeights) mean += Math.Exp(lw - max);
        mean /= runs;
        double variance = 0;
        foreach (double lw in logWeights) variance += Math.Pow(Math.Exp(lw - max) - mean, 2);
        double std = runs > 1 ? Math.Sqrt(variance / (runs - 1)) : 0;
        double half = 3 * std / Math.Sqrt(runs);
        double offset = logZ0 + max;
        return new AisEstimate(
            offset + Math.Log(mean),
            mean - half > 0 ? offset + Math.Log(mean - half) : double.NegativeInfinity,
            offset + Math.Log(mean + half),
            runs, temperatures);
    }

    private static (double[] LogWeights, double LogZ0) Run(DeepBoltzmannMachine model, AisOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        int runs = options.Runs;
        if (runs < 1) throw new InvalidOptionsException(nameof(options.Runs), $"must be ≥ 1; got {runs}.");
        var betas = options.Schedule.Betas;
        int layers = model.LayerCount, n0 = model.LayerSize(0);
        ulong seed = options.Seed;

        bool gaussian = model.Architecture.HasGaussianVisible;
        var baseBias = gaussian ? GaussianBase(options, n0) : BinaryBase(options, n0);
        double logZ0 = 0;
        if (gaussian)
            foreach (float a in baseBias) logZ0 += 0.5 * Math.Log(2 * Math.PI) + 0.5 * (double)a * a;
        else
            foreach (float a in baseBias) logZ0 += FreeEnergy.Softplus(a);
        for (int l = 1; l < layers; l++) logZ0 += model.LayerSize(l) * Math.Log(2);
        // p*_1 = exp(−E + ½|b|²) for Gaussian visible units (the constant of ½|v − b|² is left out of every p*_β).
        if (gaussian) logZ0 -= 0.5 * EvaluationKernels.SingleDot(model.Biases(0), model.Biases(0));

        bool analytic = SumsOutOddLayers(model.Architecture);
        var sampled = new bool[layers];
        for (int l = 0; l < layers; l++) sampled[l] = !analytic || l % 2 == 0;

        // Draw from the base: v ~ σ(a) (binary) or N(a, I) (Gaussian), every other sampled unit uniform.
        var states = model.Architecture.LayerSizes.Select(n => new float[runs * n]).ToArray();
        for (int l = 0; l < layers; l++)
        {
            if (!sampled[l]) continue;
            int n = model.LayerSize(l);
            ulong key = CounterRandom.StreamKey(seed, 0, (ulong)l);
            if (l == 0 && gaussian)
            {
                var means = new float[runs * n];
                GaussianUnits.Sample(new float[runs * n], baseBias, means, states[l], runs, key);
                continue;
            }
            var p = new float[runs * n];
            if (l == 0) LayerConditional.Rates(model, 0, p, baseBias, p, runs); // zero input: σ(a) in every run
            else p.AsSpan().Fill(0.5f);
            Bernoulli.Sample(p, states[l], key);
        }

        var gibbs = new LayerGibbs(model, runs);
        var fields = new float[layers][];
        var oddProbabilities = new float[layers][];
        if (analytic)
            for (int l = 1; l < layers; l += 2)
            {
                fields[l] = new float[runs * model.LayerSize(l)];
                oddProbabilities[l] = new float[runs * model.LayerSize(l)];
            }
        var scratch = new float[runs * model.Architecture.LayerSizes.Max()];
        var restricted = new double[runs];
        var logWeights = new double[runs];

        for (int k = 1; k < betas.Count; k++)
        {
            double previous = betas[k - 1], beta = betas[k], step = beta - previous;
            // Weight increment log p*_k(x) − log p*_{k−1}(x) at the current state.
            SampledLogTerm(model, states, sampled, baseBias, restricted, scratch);
            for (int r = 0; r < runs; r++) logWeights[r] += step * restricted[r];
            if (analytic)
                for (int l = 1; l < layers; l += 2)
                {
                    LocalFields.Compute(model, states, l, fields[l], runs);
                    AddSoftplusDifferences(fields[l], oddProbabilities[l], model.LayerSize(l), runs, previous, beta, logWeights);
                }
            if (k == betas.Count - 1) break;

            // Transition at β_k: odd layers given even, then even given odd.
            float b = (float)beta;
            for (int l = 1; l < layers; l += 2)
            {
                ulong key = CounterRandom.StreamKey(seed, (ulong)k, (ulong)l);
                if (analytic) Bernoulli.Sample(oddProbabilities[l], states[l], key);
                else gibbs.Update(states, l, b, null, key);
            }
            for (int l = 0; l < layers; l += 2)
                gibbs.Update(states, l, b, l == 0 ? baseBias : null, CounterRandom.StreamKey(seed, (ulong)k, (ulong)l));
        }
        return (logWeights, logZ0);
    }

    /// <summary>The base-rate visible biases log(p/(1 − p)) of the clipped data marginals, or 0 (binary visible units).</summary>
    private static float[] BinaryBase(AisOptions options, int n0)
    {
        if (options.VisibleBaseMeans is not null)
            throw new InvalidOptionsException(nameof(options.VisibleBaseMeans),
                "is the base of Gaussian visible units; for binary visible units give DataMarginals.");
        var baseBias = new float[n0];
        if (options.DataMarginals is { } marginals)
        {
            if (marginals.Count != n0)
                throw new InvalidOptionsException(nameof(options.DataMarginals), $"expected {n0} marginals (one per visible unit); got {marginals.Count}.");
            double eps = options.MarginalEpsilon;
            if (!(eps > 0 && eps < 0.5)) throw new InvalidOptionsException(nameof(options.MarginalEpsilon), $"must be in (0, 0.5); got {eps}.");
            for (int i = 0; i < n0; i++)
            {
                double p = Math.Clamp(marginals[i], eps, 1 - eps);
                baseBias[i] = (float)Math.Log(p / (1 - p));
            }
        }
        return baseBias;
    }

    /// <summary>The base mean a of Gaussian visible units: the given finite means, or 0.</summary>
    private static float[] GaussianBase(AisOptions options, int n0)
    {
        if (options.DataMarginals is not null)
            throw new InvalidOptionsException(nameof(options.DataMarginals),
                "are the base of binary visible units; for Gaussian visible units give VisibleBaseMeans (e.g. the training column means).");
        var baseMean = new float[n0];
        if (options.VisibleBaseMeans is { } means)
        {
            if (means.Count != n0)
                throw new InvalidOptionsException(nameof(options.VisibleBaseMeans), $"expected {n0} means (one per visible unit); got {means.Count}.");
            for (int i = 0; i < n0; i++)
            {
                if (!double.IsFinite(means[i]))
                    throw new InvalidOptionsException(nameof(options.VisibleBaseMeans), $"mean {i} is {means[i]}; every mean must be finite.");
                baseMean[i] = (float)means[i];
            }
        }
        return baseMean;
    }

    /// <summary>
    /// Per run: −E restricted to the sampled layers (their biases, laterals and the couplings between two sampled layers)
    /// minus aᵀv — the part of log p*_β that is linear in β with slope this value.
    /// </summary>
    private static void SampledLogTerm(DeepBoltzmannMachine model, float[][] states, bool[] sampled, float[] baseBias,
        double[] result, float[] scratch)
    {
        int runs = result.Length;
        Array.Clear(result);
        for (int l = 0; l < model.LayerCount; l++)
        {
            if (!sampled[l]) continue;
            int n = model.LayerSize(l);
            var x = states[l];
            var b = model.Biases(l);
            for (int r = 0; r < runs; r++)
            {
                var row = x.AsSpan(r * n, n);
                result[r] += Dot(b, row) - (l == 0 ? Dot(baseBias, row) : 0);
            }
            if (model.Lateral(l) is { } lateral)
            {
                var t = scratch.AsSpan(0, runs * n);
                MatrixProduct.Multiply(x.AsSpan(0, runs * n), lateral, t, runs, n, n);
                for (int r = 0; r < runs; r++) result[r] += 0.5 * Dot(t.Slice(r * n, n), x.AsSpan(r * n, n));
            }
            if (l + 1 < model.LayerCount && sampled[l + 1])
            {
                int m = model.LayerSize(l + 1);
                var t = scratch.AsSpan(0, runs * n);
                MatrixProduct.MultiplyByTransposed(states[l + 1].AsSpan(0, runs * m), model.Weights(l), t, runs, m, n);
                for (int r = 0; r < runs; r++) result[r] += Dot(t.Slice(r * n, n), x.AsSpan(r * n, n));
            }
        }
    }

    /// <summary>
    /// logWeights[r] += Σ_j softplus(β u_rj) − softplus(β' u_rj) and probabilities = σ(β u), in double:
    /// with e_a = exp(−|a|), softplus(a) − softplus(b) = max(a, 0) − max(b, 0) + log((1 + e_a)/(1 + e_b)) and
    /// σ(a) = 1/(1 + e_a) or e_a/(1 + e_a) — two exponentials and one logarithm per unit, no cancellation.
    /// </summary>
    private static void AddSoftplusDifferences(float[] fields, float[] probabilities, int n, int runs, double previous, double beta,
        double[] logWeights)
    {
        LayerGibbs.ForEachChain(runs, 64L * n, r =>
            logWeights[r] += SoftplusDifferenceRow(fields.AsSpan(r * n, n), probabilities.AsSpan(r * n, n), previous, beta));
    }

    /// <summary>One row of <see cref="AddSoftplusDifferences"/>: the kernel's sum, and σ(β u) written into the probabilities.</summary>
    internal static double SoftplusDifferenceRow(ReadOnlySpan<float> u, Span<float> probabilities, double previous, double beta)
        => EvaluationKernels.SoftplusDifferences(u, probabilities, previous, beta);

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => EvaluationKernels.SingleDot(a, b);
}
