using System.Diagnostics;
using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Persistence;
using Vpf.Core.Reconstruction;
using Vpf.Core.Sampling;
using Vpf.Core.Training;

namespace Vpf.Core.Evaluation.Report;

/// <summary>
/// Builds an <see cref="EvaluationReport"/>: reconstruction against the trivial predictors, test log-likelihood (exact
/// by enumeration for small models; AIS — for a DBM with the mean-field variational lower bound), Parzen-window
/// log-likelihood of Gibbs samples, and the linear probe against raw pixels (vpf-math.md §7); for Gaussian visible units
/// the sections of vpf-math.md §9 (see <see cref="Evaluate(DeepBoltzmannMachine, Dataset, Dataset, EvaluationOptions?, IProgress{EvaluationProgress}?, ModelFileInfo?, string?, Standardisation?)"/>).
/// </summary>
/// <remarks>
/// Every random choice derives from <see cref="EvaluationOptions.Seed"/>: the corruptions, the AIS runs (seed as the AIS
/// seed) and the Parzen chains (its own stream), so the same inputs give the same report apart from the timings.
/// </remarks>
public static class ModelEvaluator
{
    /// <summary>
    /// Evaluates <paramref name="model"/> on binary or real rows: a model with binary visible units needs
    /// <see cref="BinaryDataset"/> rows and gives the same report as the overload that takes them; a model with Gaussian
    /// visible units (vpf-math.md §9) reads any rows as real values (standardised, as it was trained) and reports
    /// squared-error reconstruction (<see cref="EvaluationReport.Denoising"/>), log-likelihoods in nats on the standardised
    /// scale (exact for an RBM with at most <see cref="LogLikelihoodSectionOptions.MaxExactUnits"/> hidden units, AIS with a
    /// Gaussian base model, the variational bound for a DBM) and, given <paramref name="standardisation"/>, on the data's
    /// own scale (<see cref="LogLikelihoodSection.DataScale"/>), and the linear probe. The held-out and Parzen sections are
    /// not computed for Gaussian visible units: the first scores binary cross-entropies, and the second's kernel widths are
    /// those of pixels in [0, 1] while the exact or AIS likelihood measures the density itself.
    /// </summary>
    /// <param name="model">The machine.</param>
    /// <param name="train">Training rows: column means (mean fill, AIS base), the probe's training set.</param>
    /// <param name="test">Test rows (the first <see cref="EvaluationOptions.MaxTestRows"/> are used).</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="progress">Told when each section starts and ends; may be null.</param>
    /// <param name="provenance">The model file's provenance, copied into the report; may be null.</param>
    /// <param name="dataSource">Where the data came from, copied into the report; may be null.</param>
    /// <param name="standardisation">The standardisation that produced <paramref name="train"/> and <paramref name="test"/>
    /// from the raw data (Gaussian visible units only); null reports the standardised scale alone.</param>
    /// <exception cref="ArgumentException">The data sets' dimension differs from the model's visible units, the test set is
    /// empty, or a binary model is given rows that are not a <see cref="BinaryDataset"/>.</exception>
    /// <exception cref="InvalidOptionsException">An option is out of range, or a standardisation is given for binary visible
    /// units or has another dimension (option "standardisation").</exception>
    public static EvaluationReport Evaluate(DeepBoltzmannMachine model, Dataset train, Dataset test,
        EvaluationOptions? options = null, IProgress<EvaluationProgress>? progress = null,
        ModelFileInfo? provenance = null, string? dataSource = null, Standardisation? standardisation = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        if (model.Architecture.HasGaussianVisible)
            return GaussianEvaluation.Evaluate(model, train, test, options, progress, provenance, dataSource, standardisation);
        if (standardisation is not null)
            throw new InvalidOptionsException(nameof(standardisation),
                $"a standardisation applies to Gaussian visible units; {model.Architecture} has binary visible units.");
        if (train is not BinaryDataset binaryTrain)
            throw new ArgumentException($"{model.Architecture} has binary visible units: the training set must be a BinaryDataset; got a {train.GetType().Name}.", nameof(train));
        if (test is not BinaryDataset binaryTest)
            throw new ArgumentException($"{model.Architecture} has binary visible units: the test set must be a BinaryDataset; got a {test.GetType().Name}.", nameof(test));
        return Evaluate(model, binaryTrain, binaryTest, options, progress, provenance, dataSource);
    }

    /// <summary>Evaluates <paramref name="model"/>.</summary>
    /// <param name="model">The machine.</param>
    /// <param name="train">Training images: pixel marginals (majority fill, AIS base rate, baselines) and the probe's training set.</param>
    /// <param name="test">Test images (the first <see cref="EvaluationOptions.MaxTestRows"/> are used).</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="progress">Told when each section starts and ends; may be null.</param>
    /// <param name="provenance">The model file's provenance, copied into the report; may be null.</param>
    /// <param name="dataSource">Where the data came from, copied into the report; may be null.</param>
    /// <exception cref="ArgumentException">The data sets' dimension differs from the model's visible units, or the test set is empty.</exception>
    /// <exception cref="InvalidOptionsException">An option is out of range.</exception>
    /// <remarks>A model with Gaussian visible units reads the 0/1 rows as real values (see the overload that takes any <see cref="Dataset"/>).</remarks>
    public static EvaluationReport Evaluate(DeepBoltzmannMachine model, BinaryDataset train, BinaryDataset test,
        EvaluationOptions? options = null, IProgress<EvaluationProgress>? progress = null,
        ModelFileInfo? provenance = null, string? dataSource = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        if (model.Architecture.HasGaussianVisible)
            return GaussianEvaluation.Evaluate(model, train, test, options, progress, provenance, dataSource, null);
        options ??= new EvaluationOptions();
        options.Validate();
        int d = model.LayerSize(0);
        if (train.Dimension != d)
            throw new ArgumentException($"The model has {d} visible units but the training set has {train.Dimension} values per row.", nameof(train));
        if (test.Dimension != d)
            throw new ArgumentException($"The model has {d} visible units but the test set has {test.Dimension} values per row.", nameof(test));
        if (test.Count == 0) throw new ArgumentException("The test set is empty.", nameof(test));
        if (train.Count == 0) throw new ArgumentException("The training set is empty.", nameof(train));

        var total = Stopwatch.StartNew();
        int rows = Math.Min(test.Count, options.MaxTestRows ?? int.MaxValue);
        var testSet = rows == test.Count ? test : test.Subset(0, rows);
        var marginals = train.ColumnMeans();
        bool labelled = train.HasLabels && test.HasLabels;

        var sections = new List<string>();
        if (options.HeldOut is not null) sections.Add("held-out");
        if (options.Reconstruction is not null) sections.Add("reconstruction");
        if (options.LogLikelihood is not null) sections.Add("log-likelihood");
        if (options.Parzen is not null) sections.Add("parzen");
        if (options.LinearProbe is not null && labelled) sections.Add("linear probe");

        T Run<T>(string name, Func<T> work)
        {
            int index = sections.IndexOf(name);
            progress?.Report(new EvaluationProgress(name, index, sections.Count, false, 0));
            var clock = Stopwatch.StartNew();
            var result = work();
            progress?.Report(new EvaluationProgress(name, index, sections.Count, true, clock.Elapsed.TotalSeconds));
            return result;
        }

        var heldOut = options.HeldOut is { } ho
            ? Run("held-out", () => HeldOut(model, testSet, marginals, ho, provenance)) : null;
        var reconstruction = options.Reconstruction is { } ro
            ? Run("reconstruction", () => Reconstruct(model, train, testSet, ro, options.Seed)) : null;
        var likelihood = options.LogLikelihood is { } lo
            ? Run("log-likelihood", () => LogLikelihood(model, testSet, marginals, lo, options.Seed)) : null;
        var parzen = options.Parzen is { } po
            ? Run("parzen", () => Parzen(model, train, testSet, po, options.Seed)) : null;
        var probe = options.LinearProbe is { } pr && labelled
            ? Run("linear probe", () =>
            {
                var clock = Stopwatch.StartNew();
                var result = Evaluation.LinearProbe.Evaluate(model, train, testSet, pr.Layers, pr.Probe);
                return new LinearProbeSection(result, clock.Elapsed.TotalSeconds);
            })
            : null;

        var modelDescription = Describe(model.Architecture, provenance);
        var data = new DataDescription(dataSource, train.Count, rows, d, test.ImageRows, test.ImageColumns, labelled);
        return new EvaluationReport(modelDescription, data, options.Seed, reconstruction, likelihood, parzen, probe, total.Elapsed.TotalSeconds, heldOut);
    }

    /// <summary>The report's description of a model and its provenance.</summary>
    internal static ModelDescription Describe(Architecture architecture, ModelFileInfo? provenance)
    {
        var training = provenance is null ? null : new TrainingProvenance(provenance.TrainingMethod, provenance.EpochsCompleted,
            provenance.Seed, provenance.TrainingOptionsJson, provenance.ObjectiveOptionsJson, provenance.CreatedUtc);
        return new ModelDescription(architecture.ToString(), architecture.LayerSizes.ToArray(),
            architecture.HasLateral.ToArray(), architecture.ParameterCount, architecture.IsRbm, training);
    }

    /// <summary>
    /// Units that exact enumeration has to visit: for log Z (<paramref name="visibleFixed"/> false) or for log Σ_h exp(−E(v, h))
    /// with v clamped (true). Mirrors the choice of <see cref="ExactLikelihood"/>: one parity without laterals is summed out
    /// analytically, the one leaving fewer units to enumerate; for an RBM's marginal nothing is enumerated (free energy).
    /// </summary>
    public static int EnumeratedUnits(Architecture architecture, bool visibleFixed)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        if (visibleFixed && architecture.IsRbm) return 0;
        int layers = architecture.LayerCount, best = int.MaxValue;
        for (int parity = 0; parity < 2; parity++)
        {
            bool admissible = true;
            int enumerated = 0;
            for (int l = 0; l < layers; l++)
            {
                if (visibleFixed && l == 0) continue;
                if (l % 2 == parity) admissible &= !architecture.HasLateral[l];
                else enumerated += architecture.LayerSizes[l];
            }
            if (admissible) best = Math.Min(best, enumerated);
        }
        if (best == int.MaxValue)
            best = architecture.LayerSizes.Where((_, l) => !(visibleFixed && l == 0)).Sum();
        return best;
    }

    /// <summary>
    /// The method whose objective the held-out section measures: the options' own, else the provenance's (null when it
    /// names no method of this library or its options cannot be read), else VPF for a model without provenance.
    /// </summary>
    private static TrainingMethod? MethodOf(HeldOutSectionOptions options, ModelFileInfo? provenance)
    {
        if (options.Method is { } method) return method;
        if (provenance?.TrainingMethod is null) return new VpfMethod();
        try
        {
            return provenance.ReadTrainingMethod();
        }
        catch (InvalidOptionsException)
        {
            return null;
        }
    }

    private static HeldOutSection HeldOut(DeepBoltzmannMachine model, BinaryDataset test, double[] marginals,
        HeldOutSectionOptions options, ModelFileInfo? provenance)
    {
        var clock = Stopwatch.StartNew();
        int rows = test.Count, d = test.Dimension;
        var batch = HeldOutMetrics.Batch(test, rows);
        var method = MethodOf(options, provenance);
        double? k = null;
        if (method is { IsFlow: true } && CanTrain(method, model.Architecture))
            k = HeldOutMetrics.Objective(method.CreateObjective(), model, batch, rows);
        int sweeps = method?.InferenceSweeps ?? VpfOptions.DefaultMeanFieldSweeps;
        double? crossEntropy = model.LayerCount > 1 ? HeldOutMetrics.ReconstructionCrossEntropy(model, batch, rows, sweeps) : null;
        var trivial = new float[batch.Length];
        for (int i = 0; i < trivial.Length; i++) trivial[i] = (float)marginals[i % d];
        double pixelMarginals = HeldOutMetrics.CrossEntropy(trivial, batch, rows);
        return new HeldOutSection(rows, k is null ? null : method!.Name, k, crossEntropy, pixelMarginals, sweeps, clock.Elapsed.TotalSeconds);
    }

    private static bool CanTrain(TrainingMethod method, Architecture architecture)
    {
        try
        {
            method.Validate(architecture);
            return true;
        }
        catch (InvalidOptionsException)
        {
            return false;
        }
    }

    private static ReconstructionSection Reconstruct(DeepBoltzmannMachine model, BinaryDataset train, BinaryDataset test,
        ReconstructionSectionOptions options, int seed)
    {
        var clock = Stopwatch.StartNew();
        var corruptions = new List<Corruption>();
        if (options.FlipFraction is { } f) corruptions.Add(Corruption.FlipPixels(f));
        foreach (double g in options.AdditionalFlipFractions) corruptions.Add(Corruption.FlipPixels(g));
        bool shaped = test.ImageRows > 1 && test.ImageColumns > 0;
        if (options.HideBottomHalf && shaped) corruptions.Add(Corruption.HideBottomHalf(test));
        if (options.RandomSquareSize is { } size && shaped && size <= Math.Min(test.ImageRows, test.ImageColumns))
            corruptions.Add(Corruption.HideRandomSquare(test, size));
        var reports = ReconstructionEvaluation.Evaluate(model, train, test, corruptions, options.Inference with { Seed = seed }, seed);
        return new ReconstructionSection(reports.Select(CorruptionResult.From).ToArray(), clock.Elapsed.TotalSeconds);
    }

    private static LogLikelihoodSection LogLikelihood(DeepBoltzmannMachine model, BinaryDataset test, double[] marginals,
        LogLikelihoodSectionOptions options, int seed)
    {
        var clock = Stopwatch.StartNew();
        int rows = test.Count, d = test.Dimension;
        var visible = new float[(long)rows * d];
        test.CopyRows(Enumerable.Range(0, rows).ToArray(), visible);
        double independent = IndependentPixels(marginals, visible, rows);
        bool rbm = model.Architecture.IsRbm;

        ExactLogLikelihood? exact = null;
        int forLogZ = EnumeratedUnits(model.Architecture, visibleFixed: false);
        if (options.Exact && forLogZ <= options.MaxExactUnits && EnumeratedUnits(model.Architecture, visibleFixed: true) <= options.MaxExactUnits)
        {
            var exactClock = Stopwatch.StartNew();
            double logZ = ExactLikelihood.LogPartition(model);
            var list = new List<float[]>(rows);
            for (int r = 0; r < rows; r++) list.Add(visible.AsSpan(r * d, d).ToArray());
            double mean = ExactLikelihood.MeanLogLikelihood(model, list, logZ);
            double? bound = rbm ? null : VariationalBound.MeanLowerBound(model, visible, rows, logZ, options.MeanFieldSweeps);
            exact = new ExactLogLikelihood(logZ, mean, bound, forLogZ, exactClock.Elapsed.TotalSeconds);
        }

        AisLogLikelihood? ais = null;
        if (options.AisRuns > 0)
            ais = Ais(model, visible, rows, options, seed, dataMarginals: marginals, visibleBaseMeans: null);
        return new LogLikelihoodSection(rows, independent, exact, ais, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The AIS likelihood of binary and Gaussian models alike: log Z from the base model that <paramref name="dataMarginals"/>
    /// (binary) or <paramref name="visibleBaseMeans"/> (Gaussian) give, and the mean of the log-unnormalised term (−F(v) for
    /// an RBM, the mean-field bound otherwise) to which −log Z is added.
    /// </summary>
    internal static AisLogLikelihood Ais(DeepBoltzmannMachine model, float[] visible, int rows, LogLikelihoodSectionOptions options, int seed,
        IReadOnlyList<double>? dataMarginals, IReadOnlyList<double>? visibleBaseMeans)
    {
        bool rbm = model.Architecture.IsRbm;
        var aisClock = Stopwatch.StartNew();
        var estimate = AnnealedImportanceSampling.EstimateLogPartition(model, new AisOptions
        {
            Runs = options.AisRuns,
            Schedule = options.AisSchedule ?? LogLikelihoodSectionOptions.Schedule(options.AisTemperatures),
            Seed = (ulong)(uint)seed,
            DataMarginals = dataMarginals,
            VisibleBaseMeans = visibleBaseMeans,
        });
        double unnormalised = rbm
            ? -(model.Architecture.HasGaussianVisible
                ? GaussianRbmLikelihood.FreeEnergies(model, visible, rows)
                : ExactLikelihood.RbmFreeEnergies(model, visible, rows)).Average()
            : VariationalBound.MeanLowerBound(model, visible, rows, 0.0, options.MeanFieldSweeps);
        return new AisLogLikelihood(rbm ? AisLikelihoodKind.FreeEnergy : AisLikelihoodKind.VariationalLowerBound, estimate,
            unnormalised - estimate.LogZ, unnormalised - estimate.LogZUpper, unnormalised - estimate.LogZLower, aisClock.Elapsed.TotalSeconds);
    }

    private static ParzenSection Parzen(DeepBoltzmannMachine model, BinaryDataset train, BinaryDataset test, ParzenSectionOptions options, int seed)
    {
        var clock = Stopwatch.StartNew();
        int d = test.Dimension;
        // A stream of its own: the Parzen chains never share random numbers with AIS under the same seed.
        var sampler = new GibbsSampler(model, options.Chains, ((ulong)(uint)seed << 8) ^ 0x9A4Eu);
        sampler.InitialiseRandom();
        var drawn = sampler.Sample(options.SamplesPerChain, options.BurnIn, options.Thinning,
            options.UseProbabilities ? GibbsRecord.VisibleProbabilities : GibbsRecord.Visible);
        var samples = options.UseProbabilities ? drawn.VisibleProbabilities! : drawn.Visible;
        int count = drawn.Rows;

        int validation = test.Count >= 2 * options.ValidationRows ? options.ValidationRows : Math.Max(1, test.Count / 2);
        int scored = test.Count - validation;
        if (scored < 1) { validation = test.Count; scored = test.Count; }
        var validationRows = new float[(long)validation * d];
        test.CopyRows(Enumerable.Range(0, validation).ToArray(), validationRows);
        var testRows = new float[(long)scored * d];
        test.CopyRows(Enumerable.Range(test.Count - scored, scored).ToArray(), testRows);
        var estimate = ParzenWindow.Estimate(samples, count, validationRows, validation, testRows, scored, d);

        int references = Math.Min(count, train.Count);
        var trainingRows = new float[(long)references * d];
        train.CopyRows(Enumerable.Range(0, references).ToArray(), trainingRows);
        var reference = ParzenWindow.Estimate(trainingRows, references, validationRows, validation, testRows, scored, d);
        return new ParzenSection(count, options.Chains, options.BurnIn, options.Thinning, options.UseProbabilities, validation, scored,
            estimate, reference, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Mean log-likelihood of rows under independent Bernoulli pixels with the given marginals (clipped to [10⁻³, 1 − 10⁻³]).</summary>
    private static double IndependentPixels(double[] marginals, ReadOnlySpan<float> visible, int rows)
    {
        double total = 0;
        for (int i = 0; i < visible.Length; i++)
        {
            double q = Math.Clamp(marginals[i % marginals.Length], 1e-3, 1 - 1e-3);
            total += visible[i] > 0.5f ? Math.Log(q) : Math.Log(1 - q);
        }
        return total / rows;
    }
}
