namespace Vpf.Core.Model;

/// <summary>
/// A binary (deep) Boltzmann machine with energy
/// E(x) = − Σ_l x_lᵀ W_l x_{l+1} − Σ_l ½ x_lᵀ L_l x_l − Σ_l b_lᵀ x_l (vpf-math.md §1).
/// One class covers the fully visible machine (one layer), the RBM (two) and the DBM (three or more).
/// </summary>
public sealed class DeepBoltzmannMachine
{
    /// <summary>Default standard deviation of the initial weights: small enough that every unit starts near σ(0) = ½.</summary>
    public const float DefaultInitialWeightScale = 0.01f;

    /// <summary>Creates a machine with all parameters zero.</summary>
    public DeepBoltzmannMachine(Architecture architecture) => Parameters = new ParameterSet(architecture);

    /// <summary>Wraps existing parameters (they are used, not copied).</summary>
    public DeepBoltzmannMachine(ParameterSet parameters) => Parameters = parameters;

    /// <summary>
    /// A machine with weights drawn from N(0, <paramref name="weightScale"/>²) by a generator seeded with
    /// <paramref name="seed"/>, zero biases and zero lateral weights: the same seed gives the same model, bit for bit.
    /// </summary>
    public static DeepBoltzmannMachine CreateRandom(Architecture architecture, int seed, float weightScale = DefaultInitialWeightScale)
    {
        if (!(weightScale >= 0) || !float.IsFinite(weightScale))
            throw new InvalidOptionsException(nameof(weightScale), $"must be a finite number ≥ 0; got {weightScale}.");
        var model = new DeepBoltzmannMachine(architecture);
        var rng = new Random(seed);
        foreach (var w in model.Parameters.Weights)
            for (int i = 0; i < w.Length; i++) w[i] = weightScale * StandardNormal(rng);
        return model;
    }

    /// <summary>The architecture.</summary>
    public Architecture Architecture => Parameters.Architecture;

    /// <summary>All parameters.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>Number of layers including the visible one.</summary>
    public int LayerCount => Architecture.LayerCount;

    /// <summary>Units in layer <paramref name="layer"/>.</summary>
    public int LayerSize(int layer) => Architecture.LayerSizes[layer];

    /// <summary>W_l (n_l × n_{l+1}, row-major).</summary>
    public float[] Weights(int layer) => Parameters.Weights[layer];

    /// <summary>b_l.</summary>
    public float[] Biases(int layer) => Parameters.Biases[layer];

    /// <summary>L_l (n_l × n_l, symmetric, zero diagonal) or null.</summary>
    public float[]? Lateral(int layer) => Parameters.Laterals[layer];

    /// <summary>
    /// Sets the visible biases to log(p/(1 − p)) of the data's per-pixel marginals p (clipped to [ε, 1 − ε]), the
    /// usual start for binary image models: a model with zero weights then already matches the pixel means. For Gaussian
    /// visible units the biases are set to the column means themselves (ε unused), with the same effect.
    /// </summary>
    public void SetVisibleBiasesFromMarginals(ReadOnlySpan<double> marginals, double epsilon = 1e-3)
    {
        var b = Biases(0);
        if (marginals.Length != b.Length)
            throw new ArgumentException($"Expected {b.Length} marginals (one per visible unit); got {marginals.Length}.", nameof(marginals));
        if (Architecture.HasGaussianVisible)
        {
            // A Gaussian unit's mean with the weights zero is its bias itself: the column mean, not a logit.
            for (int i = 0; i < b.Length; i++) b[i] = (float)marginals[i];
            return;
        }
        for (int i = 0; i < b.Length; i++)
        {
            double p = Math.Clamp(marginals[i], epsilon, 1 - epsilon);
            b[i] = (float)Math.Log(p / (1 - p));
        }
    }

    /// <summary>
    /// Energy E(x) of one joint state, layer by layer (for tests and exact enumeration of small models). A Gaussian
    /// visible layer contributes ½ (v_i − b_i)² per unit in place of −b_i v_i (vpf-math.md §9).
    /// </summary>
    public double Energy(IReadOnlyList<float[]> states)
    {
        if (states.Count != LayerCount)
            throw new ArgumentException($"Expected {LayerCount} layer states; got {states.Count}.", nameof(states));
        double e = 0;
        for (int l = 0; l < LayerCount; l++)
        {
            var x = states[l];
            int n = LayerSize(l);
            if (x.Length != n) throw new ArgumentException($"Layer {l} state has {x.Length} units; expected {n}.", nameof(states));
            var b = Biases(l);
            if (l == 0 && Architecture.HasGaussianVisible)
                for (int k = 0; k < n; k++) e += 0.5 * ((double)x[k] - b[k]) * ((double)x[k] - b[k]);
            else
                for (int k = 0; k < n; k++) e -= (double)b[k] * x[k];
            if (Lateral(l) is { } lat)
                for (int k = 0; k < n; k++)
                    for (int j = k + 1; j < n; j++) e -= (double)lat[k * n + j] * x[k] * x[j];
            if (l + 1 < LayerCount)
            {
                var w = Weights(l);
                var y = states[l + 1];
                int m = LayerSize(l + 1);
                for (int k = 0; k < n; k++)
                    for (int j = 0; j < m; j++) e -= (double)w[k * m + j] * x[k] * y[j];
            }
        }
        return e;
    }

    private static float StandardNormal(Random rng)
    {
        // Box–Muller; 1 − U keeps the logarithm's argument in (0, 1].
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }
}
