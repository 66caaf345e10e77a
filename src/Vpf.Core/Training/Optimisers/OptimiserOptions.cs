namespace Vpf.Core.Training.Optimisers;

/// <summary>Which descent rule the trainer uses.</summary>
public enum OptimiserKind
{
    /// <summary>Adam (Kingma &amp; Ba). The default: with step 1e-3 it does not diverge on Fashion-MNIST, where SGD with step 0.05 and momentum 0.9 diverges within one epoch on a 784-500 RBM.</summary>
    Adam = 0,

    /// <summary>Stochastic gradient descent with (heavy-ball) momentum.</summary>
    SgdMomentum = 1,
}

/// <summary>
/// Settings of the optimiser. A new instance is Adam's default (step 1e-3); <see cref="DefaultFor"/> gives each rule's
/// default, and each training method's own choice is its <see cref="TrainingMethod.DefaultTraining"/>.
/// </summary>
public sealed record OptimiserOptions
{
    /// <summary>Default step size for Adam.</summary>
    public const float DefaultAdamLearningRate = 1e-3f;

    /// <summary>
    /// Default step size for SGD (with <see cref="Momentum"/> 0): scikit-learn BernoulliRBM's update for CD, measured as
    /// the best plain-SGD step for CD-1 and PCD-1 on samples of a 10-4 teacher RBM at batch 10 (exact test likelihood
    /// after 10 epochs: step 0.1 −4.613, 0.05 −4.600, 0.02 −4.603 nats; teacher −4.578), and on the full Fashion-MNIST
    /// at batch 10 (centered CD-1, AIS −158.6 after 10 epochs; Adam 1e-3 at batch 100 reached −137.1). With momentum
    /// 0.9 this step diverges within one epoch for VPF on a 784-500 RBM.
    /// </summary>
    public const float DefaultSgdLearningRate = 0.05f;

    /// <summary>The rule. Default Adam.</summary>
    public OptimiserKind Kind { get; init; } = OptimiserKind.Adam;

    /// <summary>Step size η.</summary>
    public float LearningRate { get; init; } = DefaultAdamLearningRate;

    /// <summary>Momentum μ of SGD (ignored by Adam). Default 0: plain SGD, the rule <see cref="DefaultSgdLearningRate"/> was measured with.</summary>
    public float Momentum { get; init; }

    /// <summary>Adam's β₁.</summary>
    public float Beta1 { get; init; } = 0.9f;

    /// <summary>Adam's β₂.</summary>
    public float Beta2 { get; init; } = 0.999f;

    /// <summary>Adam's ε.</summary>
    public float Epsilon { get; init; } = 1e-8f;

    /// <summary>L2 weight decay λ added to the gradient of weights and lateral weights (not biases): g + λθ.</summary>
    public float WeightDecay { get; init; }

    /// <summary>
    /// The default settings of <paramref name="kind"/>: Adam with step <see cref="DefaultAdamLearningRate"/>, or plain SGD
    /// (momentum 0) with step <see cref="DefaultSgdLearningRate"/>. An unknown kind is kept as it is, for
    /// <see cref="Validate"/> to report.
    /// </summary>
    public static OptimiserOptions DefaultFor(OptimiserKind kind) => kind switch
    {
        OptimiserKind.Adam => new OptimiserOptions { Kind = OptimiserKind.Adam, LearningRate = DefaultAdamLearningRate },
        OptimiserKind.SgdMomentum => new OptimiserOptions { Kind = OptimiserKind.SgdMomentum, LearningRate = DefaultSgdLearningRate, Momentum = 0f },
        _ => new OptimiserOptions { Kind = kind },
    };

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind)) throw new InvalidOptionsException(nameof(Kind), $"unknown optimiser {(int)Kind}; expected Adam or SgdMomentum.");
        Positive(LearningRate, nameof(LearningRate));
        InUnit(Momentum, nameof(Momentum));
        InUnit(Beta1, nameof(Beta1));
        InUnit(Beta2, nameof(Beta2));
        Positive(Epsilon, nameof(Epsilon));
        if (!(WeightDecay >= 0) || !float.IsFinite(WeightDecay))
            throw new InvalidOptionsException(nameof(WeightDecay), $"must be a finite number ≥ 0; got {WeightDecay}.");
    }

    /// <summary>Creates the optimiser these options describe, with fresh state.</summary>
    internal IOptimiser Create()
    {
        Validate();
        return Kind == OptimiserKind.Adam ? new Adam(this) : new SgdMomentum(this);
    }

    private static void Positive(float x, string name)
    {
        if (!(x > 0) || !float.IsFinite(x)) throw new InvalidOptionsException(name, $"must be a finite number > 0; got {x}.");
    }

    private static void InUnit(float x, string name)
    {
        if (!(x >= 0 && x < 1)) throw new InvalidOptionsException(name, $"must be in [0, 1); got {x}.");
    }
}
