using Vpf.Core.Baselines;
using Vpf.Core.Model;
using Vpf.Core.Persistence;

namespace Vpf.Core.Training;

/// <summary>
/// How a machine is trained: the objective and its options. One derived record per method — <see cref="VpfMethod"/>,
/// <see cref="MpfMethod"/>, <see cref="MpfRbmMethod"/>, <see cref="CdMethod"/>, <see cref="PcdMethod"/>,
/// <see cref="DbmPcdMethod"/>, <see cref="ScoreMatchingRbmMethod"/> — each with exactly one persisted <see cref="Name"/>, the name a model file records and
/// every front end accepts (<see cref="Parse"/>).
/// </summary>
public abstract record TrainingMethod
{
    private protected TrainingMethod() { }

    /// <summary>The persisted names, one per method, in the order of the documentation.</summary>
    public static IReadOnlyList<string> Names { get; } = ["vpf", "mpf", "mpf-rbm", "cd", "pcd", "dbm-pcd", "sm-rbm"];

    /// <summary>The method's one persisted name: "vpf", "mpf", "mpf-rbm", "cd", "pcd", "dbm-pcd" or "sm-rbm".</summary>
    public abstract string Name { get; }

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
    public ITrainingObjective CreateObjective()
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

    /// <summary>The options of the objective as JSON for a model file's provenance (<see cref="ModelFileInfo.ObjectiveOptionsJson"/>); null when the method has none.</summary>
    public virtual string? OptionsJson() => null;

    /// <summary>The method with default options for a persisted name (case-insensitive).</summary>
    /// <exception cref="InvalidOptionsException">An unknown name; the option is "Method".</exception>
    public static TrainingMethod Parse(string name) =>
        TryParse(name, null) ?? throw new InvalidOptionsException("Method", $"expected one of {string.Join(", ", Names)}; got '{name}'.");

    /// <summary>
    /// The method named <paramref name="name"/> with the options recorded in <paramref name="optionsJson"/> (as written
    /// by <see cref="OptionsJson"/>; null for the defaults), or null when the name is not one of <see cref="Names"/>
    /// (e.g. a file written by another tool).
    /// </summary>
    /// <exception cref="InvalidOptionsException">The name is known but the JSON cannot be read as its options.</exception>
    public static TrainingMethod? TryParse(string? name, string? optionsJson) => name?.Trim().ToLowerInvariant() switch
    {
        "vpf" => new VpfMethod { Options = Read<VpfOptions>(optionsJson) },
        "mpf" => new MpfMethod(),
        "mpf-rbm" => new MpfRbmMethod(),
        "cd" => new CdMethod { Steps = Read<ContrastiveDivergenceOptions>(optionsJson).Steps },
        "pcd" => new PcdMethod { Steps = Read<ContrastiveDivergenceOptions>(optionsJson).Steps },
        "dbm-pcd" => new DbmPcdMethod { Options = Read<DbmPcdOptions>(optionsJson) },
        "sm-rbm" => new ScoreMatchingRbmMethod(),
        _ => null,
    };

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

    private static T Read<T>(string? json) where T : class, new() =>
        json is null ? new T() : Persistence.OptionsJson.Deserialize<T>(json);
}
