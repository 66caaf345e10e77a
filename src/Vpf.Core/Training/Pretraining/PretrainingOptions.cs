namespace Vpf.Core.Training;

/// <summary>Which objective trains each RBM of the greedy stack.</summary>
public enum PretrainingMethod
{
    /// <summary><see cref="Training.ContrastiveDivergence"/> with <see cref="PretrainingOptions.ContrastiveDivergence"/>. The default.</summary>
    ContrastiveDivergence = 0,

    /// <summary><see cref="Training.MpfRbm"/>: minimum probability flow with the hidden units summed out.</summary>
    MpfRbm = 1,
}

/// <summary>Options of <see cref="GreedyPretraining"/>.</summary>
public sealed record PretrainingOptions
{
    /// <summary>The objective of every RBM. Default <see cref="PretrainingMethod.ContrastiveDivergence"/>.</summary>
    public PretrainingMethod Method { get; init; } = PretrainingMethod.ContrastiveDivergence;

    /// <summary>CD settings when <see cref="Method"/> is contrastive divergence. Default CD-1.</summary>
    public ContrastiveDivergenceOptions ContrastiveDivergence { get; init; } = new();

    /// <summary>
    /// The training loop of every RBM (RBM l uses seed <see cref="TrainingOptions.Seed"/> + l). Default
    /// <see cref="CdMethod.DefaultTraining"/>: centered, Adam at step 1e-3 on mini-batches of 100, 10 epochs.
    /// </summary>
    public TrainingOptions Training { get; init; } = new CdMethod().DefaultTraining;

    /// <summary>Seed of the RBMs' initial weights and of the binary samples passed up to the next RBM.</summary>
    public int Seed { get; init; }

    /// <summary>Standard deviation of the RBMs' initial weights. Default <see cref="Model.DeepBoltzmannMachine.DefaultInitialWeightScale"/>.</summary>
    public float InitialWeightScale { get; init; } = Model.DeepBoltzmannMachine.DefaultInitialWeightScale;

    /// <summary>
    /// Apply Salakhutdinov &amp; Hinton's correction for the doubled input of intermediate layers (see
    /// <see cref="GreedyPretraining"/>). Default true; false stacks plain RBMs and copies their weights unchanged.
    /// </summary>
    public bool DoublingCorrection { get; init; } = true;

    /// <summary>Start each RBM's visible biases at log(p/(1 − p)) of its input's column means (Hinton's guide). Default true.</summary>
    public bool VisibleBiasesFromData { get; init; } = true;

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Method))
            throw new InvalidOptionsException(nameof(Method), $"unknown method {(int)Method}; expected ContrastiveDivergence or MpfRbm.");
        Within(nameof(ContrastiveDivergence), () => ContrastiveDivergence.Validate());
        Within(nameof(Training), () => Training.Validate());
        if (Training.StepSchedule.Kind != Optimisers.StepScheduleKind.Constant && Training.StepSchedule.Clock == Optimisers.StepScheduleClock.TimeBudget)
            throw new InvalidOptionsException($"{nameof(Training)}.StepSchedule.Clock", "pretraining has no time budget; use the Updates clock.");
        if (!(InitialWeightScale >= 0) || !float.IsFinite(InitialWeightScale))
            throw new InvalidOptionsException(nameof(InitialWeightScale), $"must be a finite number ≥ 0; got {InitialWeightScale}.");
    }

    private static void Within(string path, Action validate)
    {
        try
        {
            validate();
        }
        catch (InvalidOptionsException e)
        {
            throw e.Within(path);
        }
    }
}
