using Vpf.Core.Model;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Training;

/// <summary>
/// How a machine is trained: one record per method — <see cref="VpfMethod"/>, <see cref="MpfMethod"/>,
/// <see cref="MpfRbmMethod"/>, <see cref="CdMethod"/>, <see cref="PcdMethod"/>, <see cref="DbmPcdMethod"/>, <see cref="ScoreMatchingRbmMethod"/> — each
/// holding its options, its own default training settings (<see cref="DefaultTraining"/>), its one persisted
/// <see cref="Name"/> (what a model file records and every front end accepts, see <see cref="Parse(string)"/>), what the
/// name means on a given machine (<see cref="ResolveFor"/>), and the objective it builds. Front ends ask the record;
/// none switches on the method's type.
/// </summary>
public abstract record TrainingMethod
{
    // The name table is this list: one default instance of every method, in the order of the documentation.
    private static readonly TrainingMethod[] Records = [new VpfMethod(), new MpfMethod(), new MpfRbmMethod(), new CdMethod(), new PcdMethod(), new DbmPcdMethod(), new ScoreMatchingRbmMethod()];

    private protected TrainingMethod() { }

    /// <summary>
    /// The training loop every method's <see cref="DefaultTraining"/> is today: 10 epochs of mini-batches of 100, Adam
    /// with step 1e-3, centered. One value, so that a change of it is one line; a method measured to want other settings
    /// returns its own.
    /// </summary>
    private protected static TrainingOptions CenteredAdam { get; } = new()
    {
        Epochs = 10,
        BatchSize = 100,
        Optimiser = OptimiserOptions.DefaultFor(OptimiserKind.Adam),
        Centering = new CenteringOptions { Enabled = true },
    };

    /// <summary>The persisted names, one per method, in the order of the documentation.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.AsReadOnly(Records.Select(r => r.Name).ToArray());

    /// <summary>The method's one persisted name: "vpf", "mpf", "mpf-rbm", "cd", "pcd", "dbm-pcd" or "sm-rbm".</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The training loop this method trains with unless told otherwise: epochs, batch size, optimiser (kind, step,
    /// momentum) and centering. <see cref="TrainingPlan.TrainingOptions"/> defaults to it; every front end starts from it.
    /// </summary>
    public abstract TrainingOptions DefaultTraining { get; }

    /// <summary>
    /// The method's optimiser settings for <paramref name="kind"/>: those of <see cref="DefaultTraining"/> when it uses
    /// that kind, otherwise <see cref="OptimiserOptions.DefaultFor"/>. A front end that lets the user pick the rule
    /// starts from this and overrides only what the user gave.
    /// </summary>
    public OptimiserOptions DefaultOptimiser(OptimiserKind kind) =>
        DefaultTraining.Optimiser.Kind == kind ? DefaultTraining.Optimiser : OptimiserOptions.DefaultFor(kind);

    /// <summary>
    /// The options a front end can set by name (see <see cref="MethodSettings"/>): the ones this method has, the others null.
    /// <see cref="With"/> applied to them gives this method back.
    /// </summary>
    public abstract MethodSettings Settings { get; }

    /// <summary>
    /// This method with the settings of <paramref name="settings"/> that it has (a null setting, or one this method does
    /// not have, changes nothing): how a front end applies its flags without knowing the method's type.
    /// </summary>
    public abstract TrainingMethod With(MethodSettings settings);

    /// <summary>
    /// The method this one's name means on <paramref name="architecture"/>: itself, except "pcd" on a machine that is not
    /// an RBM without laterals, which has always meant <see cref="DbmPcdMethod"/> (with its default options); the model
    /// file then records "dbm-pcd".
    /// </summary>
    public virtual TrainingMethod ResolveFor(Architecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return this;
    }

    /// <summary>
    /// True when the objective value is the probability flow K (VPF, MPF, MPF-RBM); false when it is the monitor of a
    /// contrastive-divergence baseline (a reconstruction cross-entropy, see <see cref="ObjectiveDescription"/>).
    /// </summary>
    public virtual bool IsFlow => true;

    /// <summary>
    /// A short label for the objective value this method reports (<see cref="TrainingProgress.Objective"/>,
    /// <see cref="CurvePoint.MeanObjective"/>), for progress lines and tables: "K" for a flow, "reconstruction CE" for
    /// the contrastive-divergence baselines.
    /// </summary>
    public virtual string ObjectiveName => "K";

    /// <summary>What the objective value means for this method, in words.</summary>
    public virtual string ObjectiveDescription => "probability flow K";

    /// <summary>The name and the options that matter, e.g. "vpf (Sampled, 10 sweeps)".</summary>
    public virtual string Description => Name;

    /// <summary>Mean-field sweeps used when this method's models are evaluated by reconstruction (the method's own E-step where it has one).</summary>
    public virtual int InferenceSweeps => VpfOptions.DefaultMeanFieldSweeps;

    /// <summary>Creates the objective, with fresh state; options are validated first.</summary>
    /// <exception cref="InvalidOptionsException">An option is out of range (named relative to the method, e.g. "Options.MeanFieldSweeps").</exception>
    internal ITrainingObjective CreateObjective()
    {
        Validate();
        return Create();
    }

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first option out of range, relative to the method ("Steps", "Options.MeanFieldSweeps").</summary>
    public abstract void Validate();

    /// <summary>
    /// Checks the options, then that the method can train <paramref name="architecture"/>; a mismatch is reported
    /// with the option name "Architecture".
    /// </summary>
    public void Validate(Architecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        Validate();
        try
        {
            Create().Validate(architecture);
        }
        catch (InvalidOptionsException e)
        {
            throw new InvalidOptionsException("Architecture", $"{Name} cannot train {architecture}: {e.Detail}");
        }
    }

    /// <summary>The options of the objective as JSON for a model file's provenance (<see cref="Persistence.ModelFileInfo.ObjectiveOptionsJson"/>); null when the method has none.</summary>
    public virtual string? OptionsJson() => null;

    /// <summary>The method with default options for a persisted name (case-insensitive).</summary>
    /// <exception cref="InvalidOptionsException">An unknown name; the option is "Method".</exception>
    public static TrainingMethod Parse(string name) =>
        TryParse(name, null) ?? throw new InvalidOptionsException("Method", $"expected one of {string.Join(", ", Names)}; got '{name}'.");

    /// <summary>
    /// The method a name means on <paramref name="architecture"/> (<see cref="Parse(string)"/>, then
    /// <see cref="ResolveFor"/>): "pcd" on a deep or laterally connected machine is <see cref="DbmPcdMethod"/>.
    /// </summary>
    /// <exception cref="InvalidOptionsException">An unknown name; the option is "Method".</exception>
    public static TrainingMethod Parse(string name, Architecture architecture) => Parse(name).ResolveFor(architecture);

    /// <summary>
    /// The method named <paramref name="name"/> with the options recorded in <paramref name="optionsJson"/> (as written
    /// by <see cref="OptionsJson"/>; null for the defaults), or null when the name is not one of <see cref="Names"/>
    /// (e.g. a file written by another tool).
    /// </summary>
    /// <exception cref="InvalidOptionsException">The name is known but the JSON cannot be read as its options.</exception>
    public static TrainingMethod? TryParse(string? name, string? optionsJson)
    {
        string? key = name?.Trim().ToLowerInvariant();
        var record = Records.FirstOrDefault(r => r.Name == key);
        return record is null || optionsJson is null ? record : record.WithOptionsJson(optionsJson);
    }

    /// <summary>This method with the options read from <paramref name="json"/> (written by <see cref="OptionsJson"/>).</summary>
    private protected virtual TrainingMethod WithOptionsJson(string json) => this;

    /// <summary>Builds the objective from options already validated.</summary>
    private protected abstract ITrainingObjective Create();

    /// <summary>Runs <paramref name="validate"/>, naming any bad option from <paramref name="path"/> ("Options" + "MeanFieldSweeps").</summary>
    private protected static void ValidateWithin(string path, object? options, Action validate)
    {
        if (options is null) throw new InvalidOptionsException(path, "must be set; got null.");
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
