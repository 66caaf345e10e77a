using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;
using Vpf.Onnx;

namespace Vpf.ML;

/// <summary>
/// Learns features of binary images with a Deep Boltzmann Machine trained by Variational Probability Flow, and outputs
/// the mean-field firing rates of chosen hidden layers as a known-size vector of Single.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Fit"/> reads the pixel column (a known-size vector of Single with intensities in [0, max]) into a
/// bit-packed data set, binarising each pixel (on when intensity ≥ threshold × max), trains the machine with the core
/// <see cref="TrainingPlan"/> (VPF by default; with stochastic binarisation, a fresh draw every epoch), then compiles the trained machine's
/// binarisation and unrolled mean-field inference into an ONNX graph (see <see cref="VpfOnnxExport"/>) and returns
/// a chain of ML.NET transformers for it: a small ONNX graph carrying the pixel check's settings, an ML.NET custom
/// mapping of this assembly that refuses a NaN, infinite or out-of-range pixel naming the row, column, pixel and
/// value, the feature graph (which waits for the check, and checks the range itself too), and the removal of the
/// check's helper columns. The result saves and loads with <c>mlContext.Model.Save</c> and <c>Load</c> (the graphs,
/// with the weights, are stored inside the model zip); loading needs ML.NET's ONNX packages and this assembly, which
/// ML.NET loads by name by itself. Until it is saved, the returned transformer also checks the input column (name,
/// type and size) before handing each call on, so that a wrong column is reported by name.
/// </para>
/// <para>
/// With <see cref="VpfFeaturizerOptions.VisibleUnits"/> Gaussian the column holds real values instead: <see cref="Fit"/>
/// standardises them with the statistics of its rows, trains a machine with Gaussian visible units on the standardised
/// rows, and compiles the standardisation into the graph ahead of the same mean-field inference.
/// </para>
/// <para>
/// ML.NET's ONNX transformer makes one ONNX Runtime call per row and graph (for binary units the pixel check's small
/// graph, then the features'), about 3.5 times slower than the core's batched inference for a 784-500-1000 machine. For
/// bulk scoring in the process that holds the machine, <see cref="VpfFeatureScoring.Transform"/> computes the same
/// features in blocks (not persistable).
/// </para>
/// </remarks>
public sealed partial class VpfFeaturizerEstimator : IEstimator<ITransformer>
{
    private readonly TransformsCatalog _catalog;
    private readonly IHost _host;
    private readonly VpfFeaturizerOptions _options;
    private readonly DeepBoltzmannMachine? _trained;

    /// <summary>Creates an estimator that trains a machine on the data given to <see cref="Fit"/>.</summary>
    /// <param name="mlContext">The context (its random source supplies the seed when <see cref="VpfFeaturizerOptions.Seed"/> is null).</param>
    /// <param name="outputColumnName">The new column of features; must differ from <paramref name="inputColumnName"/>.</param>
    /// <param name="inputColumnName">The pixel column, a known-size vector of Single.</param>
    /// <param name="options">Training and feature options; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the parameter name is the option's).</exception>
    public VpfFeaturizerEstimator(MLContext mlContext, string outputColumnName, string inputColumnName, VpfFeaturizerOptions? options = null)
        : this(mlContext?.Transforms!, outputColumnName, inputColumnName, options, trained: null)
    {
    }

    internal VpfFeaturizerEstimator(TransformsCatalog catalog, string outputColumnName, string inputColumnName,
        VpfFeaturizerOptions? options, DeepBoltzmannMachine? trained)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(inputColumnName);
        if (outputColumnName == inputColumnName)
            throw new ArgumentOutOfRangeException(nameof(outputColumnName),
                $"The output column must differ from the input column '{inputColumnName}': the fitted transformer is an ONNX graph, whose values are named once.");
        _catalog = catalog;
        _host = MlNetInternals.Environment(catalog).Register(nameof(VpfFeaturizerEstimator));
        _options = (options ?? new VpfFeaturizerOptions()).Clone();
        _options.Validate(forTraining: trained is null);
        _trained = trained;
        if (trained is not null)
            OutputLayerList.Resolve(_options.OutputLayers, trained.LayerCount, nameof(VpfFeaturizerOptions.OutputLayers));
        if (trained is not null) CheckStandardisation(trained);
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
    }

    /// <summary>The column of features this estimator adds.</summary>
    public string OutputColumnName { get; }

    /// <summary>The pixel column it reads.</summary>
    public string InputColumnName { get; }

    /// <summary>
    /// The input schema plus the output column (a vector of Single). Throws <see cref="ArgumentOutOfRangeException"/>
    /// when the input column is missing or is not a known-size vector of Single.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        PixelColumn.Validate(inputSchema, InputColumnName, nameof(inputSchema));
        var columns = inputSchema.ToDictionary(c => c.Name);
        columns[OutputColumnName] = OutputColumnShape();
        return new SchemaShape(columns.Values);
    }

    /// <summary>
    /// Trains the machine on <paramref name="input"/> (or takes the already trained one), and returns the ML.NET
    /// transformers (ONNX graphs and the pixel check) for its mean-field features.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing, not a known-size vector of Single, or (for a trained model) of the wrong size.</exception>
    /// <exception cref="InvalidOperationException">The column is empty, or (Gaussian visible units) holds a NaN or infinite value (the message names row, column, position and value).</exception>
    public ITransformer Fit(IDataView input)
    {
        var standardisation = _options.Standardisation;
        var model = _trained ?? TrainModel(input, out standardisation);
        PixelColumn.Validate(input.Schema, InputColumnName, model.LayerSize(0), nameof(input));
        return CreateTransformer(model, input, standardisation);
    }

    /// <summary>
    /// Trains and returns the machine alone, as <see cref="Fit"/> would before compiling it: for saving it as a model
    /// file, exporting it with <see cref="VpfOnnxExport"/> or scoring in bulk with <see cref="VpfFeatureScoring"/>.
    /// A machine with Gaussian visible units is trained on standardised rows: use the overload that also returns the
    /// standardisation, which every later use of the machine needs.
    /// </summary>
    public DeepBoltzmannMachine TrainModel(IDataView input) => TrainModel(input, out _);

    /// <summary>
    /// As <see cref="TrainModel(IDataView)"/>, also returning the standardisation of the input column that the machine
    /// was trained on (<see cref="VpfFeaturizerOptions.VisibleUnits"/> Gaussian; null for binary visible units): give it
    /// as <see cref="OnnxExportOptions.Standardisation"/> to <see cref="VpfOnnxExport"/> and <see cref="VpfFeatureScoring"/>,
    /// or as <see cref="VpfFeaturizerOptions.Standardisation"/> to <see cref="VpfCatalog.VpfFeaturesFromModel(TransformsCatalog, string, string, DeepBoltzmannMachine, VpfFeaturizerOptions?)"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The column is empty, or (Gaussian) holds a NaN or infinite value (the message names row, column, position and value).</exception>
    public DeepBoltzmannMachine TrainModel(IDataView input, out Standardisation? standardisation)
    {
        ArgumentNullException.ThrowIfNull(input);
        standardisation = null;
        var column = PixelColumn.Validate(input.Schema, InputColumnName, expectedSize: null, nameof(input));
        int width = ((VectorDataViewType)column.Type).Size;
        // One seed, one generator: it draws the seeds of the initial weights and of training.
        int seed = _options.Seed ?? _host.Rand.Next();
        var rng = new Random(seed);
        int initSeed = rng.Next(), trainSeed = rng.Next();
        if (_options.VisibleUnits == VisibleUnitKind.Gaussian)
            return TrainGaussian(input, column, width, seed, initSeed, trainSeed, out standardisation);

        // Either the threshold once, or grey levels from which a fresh binarisation is drawn every epoch.
        float[]? grey = null;
        int greyRows = 0;
        BinaryDataset data;
        if (_options.StochasticBinarisation)
        {
            grey = PixelColumnReader.ReadIntensities(input, column, width, _options.MaxIntensity, out greyRows);
            data = StochasticEpoch(grey, greyRows, width, trainSeed, 1);
        }
        else data = PixelColumnReader.Read(input, column, width, _options.BinarisationThreshold * _options.MaxIntensity, _options.MaxIntensity);
        if (data.Count == 0) throw new InvalidOperationException($"Empty data in column '{InputColumnName}'.");

        var plan = _options.BuildPlan(width, initSeed, trainSeed);

        using var channel = _host.Start("Training");
        channel.Info(MessageSensitivity.None, $"VPF: {plan.Architecture} on {data.Count} rows, {_options.Epochs} epochs, seed {seed}.");
        void Report(TrainingProgress progress)
        {
            if (progress.Batch == progress.BatchesPerEpoch)
                channel.Info(MessageSensitivity.None, $"Epoch {progress.Epoch}: mean K {progress.EpochMeanObjective:G6} ({progress.Seconds:F1} s).");
        }
        if (grey is null) return plan.Run(data, progress: Report).Model;
        // One run over a fresh draw per epoch (the first draw, above, also sets the initial visible biases).
        var first = data;
        return plan.Run(epoch => epoch == 1 ? first : StochasticEpoch(grey, greyRows, width, trainSeed, epoch), progress: Report).Model;
    }

    /// <summary>One binarisation of the grey levels: pixel on with probability equal to its grey level, from (seed, epoch).</summary>
    private static BinaryDataset StochasticEpoch(float[] grey, int rows, int width, int seed, int epoch)
    {
        var bits = new float[grey.Length];
        Vpf.Kernels.Bernoulli.Sample(grey, bits, Vpf.Kernels.CounterRandom.StreamKey((ulong)(uint)seed, 0x4752_4559ul, (ulong)epoch));
        return BinaryDataset.FromBinaryRows(bits, rows, width);
    }

    /// <summary>
    /// Compiles <paramref name="model"/> into ONNX graphs and returns ML.NET's transformers for them: for binary visible
    /// units with the pixel check ahead of the features, for Gaussian ones one graph that standardises and checks its input.
    /// </summary>
    internal ITransformer CreateTransformer(DeepBoltzmannMachine model, IDataView input, Standardisation? standardisation = null)
    {
        var export = _options.ToExportOptions(InputColumnName, OutputColumnName, standardisation);
        // ML.NET copies each stream's bytes into a file of its own (deleted when the transformer is disposed) and keeps
        // them for Model.Save, so nothing here has to outlive this call.
        if (model.Architecture.HasGaussianVisible)
        {
            using var gaussianGraph = new MemoryStream(VpfOnnxExport.ToBytes(model, export), writable: false);
            var onnx = _catalog.ApplyOnnxModel([OutputColumnName], [InputColumnName], gaussianGraph).Fit(input);
            return new CheckedOnnxTransformer(onnx, InputColumnName, model.LayerSize(0), _options.MaxIntensity, standardisation);
        }
        export = export with { GateInput = PixelCheckMapping.GateColumn };
        // The pixel check graph, the check itself (a custom mapping of this assembly, which ML.NET finds again on
        // load), the feature graph gated by it, and the removal of the check's columns: four transformers that ML.NET
        // saves and loads as they are.
        using var checkGraph = new MemoryStream(PixelCheckGraph.ToBytes(export, model.LayerSize(0)), writable: false);
        using var graph = new MemoryStream(VpfOnnxExport.ToBytes(model, export), writable: false);
        var chain = _catalog.ApplyOnnxModel([PixelCheckGraph.PixelsOutput, PixelCheckGraph.ConfigOutput], [InputColumnName], checkGraph)
            .Append(_catalog.CustomMapping(new PixelCheckMapping().GetMapping(), PixelCheckMapping.ContractName))
            .Append(_catalog.ApplyOnnxModel([OutputColumnName], [InputColumnName, PixelCheckMapping.GateColumn], graph))
            .Append(_catalog.DropColumns(PixelCheckGraph.PixelsOutput, PixelCheckGraph.ConfigOutput, PixelCheckMapping.GateColumn))
            .Fit(input);
        return new CheckedOnnxTransformer(chain, InputColumnName, model.LayerSize(0), _options.MaxIntensity, standardisation);
    }

    private SchemaShape.Column OutputColumnShape() => MlNetInternals.SingleVectorColumn(OutputColumnName);
}
