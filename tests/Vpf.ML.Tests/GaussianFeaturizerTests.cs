using Vpf.Core.Persistence;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Microsoft.ML;
using Vpf.Core.Data;
using Vpf.Core.Inference;
using Vpf.Core.Model;
using Vpf.Core.Training;
using Vpf.Onnx;

namespace Vpf.ML.Tests;

/// <summary>
/// The featurizer with Gaussian visible units: standardisation fitted on the fitting rows (equal to the core's), the
/// ONNX graph against the core's mean field on standardised rows, non-finite values refused by every door, a reload in
/// a second process, and the standardisation covered by the checksum.
/// </summary>
public sealed class GaussianFeaturizerTests : IDisposable
{
    private readonly MLContext _mlContext = new(seed: 1);
    private readonly string _folder = Directory.CreateTempSubdirectory("vpf-ml-gaussian-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private IDataView View(IEnumerable<ReadingRow> rows) => _mlContext.Data.LoadFromEnumerable(rows);

    /// <summary>The rates of <paramref name="layers"/> concatenated per row, as the output column holds them.</summary>
    private static List<float[]> Concatenated(float[][] rates, DeepBoltzmannMachine model, int rows, IReadOnlyList<int> layers) =>
        Enumerable.Range(0, rows)
            .Select(r => layers.SelectMany(l => rates[l].AsSpan(r * model.LayerSize(l), model.LayerSize(l)).ToArray()).ToArray())
            .ToList();

    [Theory]
    [InlineData("vpf", 1)]
    [InlineData("vpf", 2)]
    [InlineData("sm-rbm", 1)]
    [InlineData("cd", 1)]
    public void Fit_standardises_with_the_fit_rows_and_the_onnx_features_are_the_core_mean_field_on_standardised_rows(string method, int depth)
    {
        var rows = GaussianTestData.Rows(90, seed: 1);
        var data = View(rows);
        var options = GaussianTestData.Options(method, depth == 1 ? [8] : [8, 6]);
        var estimator = _mlContext.Transforms.VpfFeatures("Features", "Values", options);
        var model = estimator.TrainModel(data, out var standardisation);

        var core = Standardisation.Fit(RealDataset.FromValues(GaussianTestData.Flat(rows), rows.Count, GaussianTestData.Width));
        Assert.NotNull(standardisation);
        Assert.Equal(core.Means, standardisation.Means);
        Assert.Equal(core.Scales, standardisation.Scales);
        Assert.Equal(Architecture.Dbm([GaussianTestData.Width, .. options.HiddenLayers]).WithVisibleUnits(VisibleUnitKind.Gaussian), model.Architecture);

        var test = GaussianTestData.Rows(25, seed: 9);
        var features = TestData.Column(estimator.Fit(data).Transform(View(test)), "Features");
        int[] layers = [.. Enumerable.Range(1, depth)];
        var expected = Concatenated(MeanFieldSweep.Infer(model, GaussianTestData.Standardised(test, core), test.Count, sweeps: 4), model, test.Count, layers);
        TestData.AssertClose(expected, features, 1e-5);

        // The raw rows (column means from −300 to 600) would give other rates: the graph did standardise.
        var raw = Concatenated(MeanFieldSweep.Infer(model, GaussianTestData.Flat(test), test.Count, sweeps: 4), model, test.Count, layers);
        double largest = expected.Zip(raw).SelectMany(p => p.First.Zip(p.Second, (a, b) => (double)Math.Abs(a - b))).Max();
        Assert.True(largest > 0.1, $"raw and standardised rows give rates within {largest}");
    }

    [Theory]
    [InlineData("vpf")]
    [InlineData("sm-rbm")]
    [InlineData("CD")]
    [InlineData("vpf", FlowEstimator.Expected)]
    public void The_estimator_trains_the_machine_the_core_plan_trains_on_the_standardised_rows(string method, FlowEstimator estimator = FlowEstimator.Sampled)
    {
        var rows = GaussianTestData.Rows(60, seed: 11);
        var options = GaussianTestData.Options(method);
        options.Estimator = estimator;
        var model = _mlContext.Transforms.VpfFeatures("F", "Values", options).TrainModel(View(rows), out var standardisation);

        // Two seeds from the options' seed, as for binary units; the plan the core would run on its own.
        var rng = new Random(5);
        int initSeed = rng.Next(), trainSeed = rng.Next();
        var record = TrainingMethod.Parse(method);
        if (record is VpfMethod vpf) record = vpf with { Options = vpf.Options with { MeanFieldSweeps = 4, Estimator = estimator } };
        var plan = new TrainingPlan
        {
            Architecture = Architecture.Rbm(GaussianTestData.Width, 8).WithVisibleUnits(VisibleUnitKind.Gaussian),
            Method = record,
            TrainingOptions = record.DefaultTraining with { Epochs = 3, BatchSize = 30, Seed = trainSeed },
            Initialisation = new Initialisation { Seed = initSeed, WeightScale = 0.01f, VisibleBiasesFromData = true },
        };
        var raw = RealDataset.FromValues(GaussianTestData.Flat(rows), rows.Count, GaussianTestData.Width);
        var fitted = Standardisation.Fit(raw);
        var reference = plan.Run(fitted.Apply(raw)).Model;

        Assert.Equal(reference.Parameters.Tensors.SelectMany(t => t), model.Parameters.Tensors.SelectMany(t => t));
        Assert.Equal(fitted.Means, standardisation!.Means);
    }

    public static TheoryData<string> Architectures() => ["rbm", "dbm3", "dbm-lateral"];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void The_exported_graph_of_a_given_machine_standardises_raw_rows_then_runs_the_core_mean_field(string name)
    {
        int w = GaussianTestData.Width;
        var architecture = name switch
        {
            "rbm" => Architecture.Rbm(w, 12),
            "dbm3" => Architecture.Dbm(w, 12, 8, 6),
            _ => Architecture.Dbm(w, 12, 8).WithLateral(1, 2),
        };
        var model = TestData.RandomModel(architecture.WithVisibleUnits(VisibleUnitKind.Gaussian), seed: 7);
        var rows = GaussianTestData.Rows(30, seed: 2);
        var standardisation = Standardisation.Fit(RealDataset.FromValues(GaussianTestData.Flat(rows), rows.Count, w));
        int[] all = [.. Enumerable.Range(1, model.LayerCount - 1)];
        var options = new OnnxExportOptions { Standardisation = standardisation, MeanFieldSweeps = 3, Damping = 0.3f, OutputLayers = all };

        var expected = Concatenated(MeanFieldSweep.Infer(model, GaussianTestData.Standardised(rows, standardisation), rows.Count, 3, 0.3f), model, rows.Count, all);
        TestData.AssertClose(expected, OnnxExportTests.RunOnnx(model, [.. rows.Select(r => r.Values)], options), 1e-5);

        // The same machine through the catalog, and through bulk scoring.
        var featurizerOptions = new VpfFeaturizerOptions { Standardisation = standardisation, MeanFieldSweeps = 3, Damping = 0.3f, OutputLayers = all };
        var fitted = _mlContext.Transforms.VpfFeaturesFromModel("Features", "Values", model, featurizerOptions).Fit(View(rows));
        TestData.AssertClose(expected, TestData.Column(fitted.Transform(View(rows)), "Features"), 1e-5);
        TestData.AssertClose(expected, TestData.Column(VpfFeatureScoring.Transform(model, View(rows), "Features", "Values", options), "Features"), 1e-6);
    }

    [Fact]
    public void A_model_file_that_stores_its_standardisation_gives_the_features_of_the_machine_with_it()
    {
        int w = GaussianTestData.Width;
        var model = TestData.RandomModel(Architecture.Rbm(w, 12).WithVisibleUnits(VisibleUnitKind.Gaussian), seed: 11);
        var rows = GaussianTestData.Rows(30, seed: 4);
        var standardisation = Standardisation.Fit(RealDataset.FromValues(GaussianTestData.Flat(rows), rows.Count, w));
        string path = Path.Combine(_folder, "gaussian.vpf");
        ModelFile.Save(path, model, new ModelFileInfo { Standardisation = standardisation });

        var fromFile = _mlContext.Transforms.VpfFeaturesFromModel("Features", "Values", path).Fit(View(rows));
        var given = _mlContext.Transforms.VpfFeaturesFromModel("Features", "Values", model,
            new VpfFeaturizerOptions { Standardisation = standardisation }).Fit(View(rows));
        var expected = TestData.Column(given.Transform(View(rows)), "Features");
        Assert.Equal(expected, TestData.Column(fromFile.Transform(View(rows)), "Features"));
        // The stored statistics are really used: the raw rows taken as standardised give other features.
        var unit = new Standardisation(Enumerable.Repeat(0f, w).ToArray(), Enumerable.Repeat(1f, w).ToArray());
        var asGiven = _mlContext.Transforms.VpfFeaturesFromModel("Features", "Values", path, new VpfFeaturizerOptions { Standardisation = unit }).Fit(View(rows));
        Assert.NotEqual(expected, TestData.Column(asGiven.Transform(View(rows)), "Features"));
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void Fit_refuses_a_non_finite_value_naming_row_column_position_and_value(float value, string shown)
    {
        var rows = GaussianTestData.Rows(40, seed: 3);
        rows[7].Values[3] = value;
        var estimator = _mlContext.Transforms.VpfFeatures("Features", "Values", GaussianTestData.Options());
        var e = Assert.Throws<InvalidOperationException>(() => estimator.Fit(View(rows)));
        Assert.Contains("Row 7 of column 'Values'", e.Message);
        Assert.Contains($"has {shown} at position 3;", e.Message);
        Assert.Contains("must be finite", e.Message);
    }

    private (ITransformer Model, Standardisation Standardisation, string Zip) SavedPipeline()
    {
        var data = GaussianTestData.View(_mlContext, 60, seed: 4);
        var estimator = _mlContext.Transforms.VpfFeatures("Features", "Values", GaussianTestData.Options());
        var model = estimator.Fit(data);
        estimator.TrainModel(data, out var standardisation);
        string zip = Path.Combine(_folder, "pipeline.zip");
        _mlContext.Model.Save(model, data.Schema, zip);
        return (model, standardisation!, zip);
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    [Theory]
    [InlineData(float.NaN, 3, "NaN")]
    [InlineData(float.NegativeInfinity, 8, "-Infinity")]
    [InlineData(float.MaxValue, 0, "3.4028235E+38")] // finite, but (x + 300) / (a scale below 1) overflows
    public void The_fitted_transformer_and_a_reloaded_pipeline_refuse_a_value_that_is_not_finite_once_standardised(float value, int position, string shown)
    {
        var (model, _, zip) = SavedPipeline();
        var rows = GaussianTestData.Rows(6, seed: 5);
        rows[4].Values[position] = value;

        var inProcess = Innermost(Assert.ThrowsAny<Exception>(() => TestData.Column(model.Transform(View(rows)), "Features")));
        Assert.Contains("Row 4 of column 'Values'", inProcess.Message);
        Assert.Contains($"has {shown} at position {position}", inProcess.Message);

        var loaded = new MLContext().Model.Load(zip, out _); // ML.NET's plain ONNX transformer: the check is in the graph
        var reloaded = Innermost(Assert.ThrowsAny<Exception>(() => TestData.Column(loaded.Transform(View(rows)), "Features")));
        Assert.Contains("Value check: column 'Values'", reloaded.Message);
        Assert.Contains($"idx={position} ", reloaded.Message);
        rows[4].Values[position] = 1f;
        Assert.Equal(6, TestData.Column(loaded.Transform(View(rows)), "Features").Count);
    }

    [Fact]
    public void Bulk_scoring_refuses_a_non_finite_value_naming_row_column_position_and_value()
    {
        var model = TestData.RandomModel(Architecture.Rbm(GaussianTestData.Width, 6).WithVisibleUnits(VisibleUnitKind.Gaussian), seed: 4);
        var rows = GaussianTestData.Rows(1500, seed: 6); // more than one block of 1,024 rows
        rows[1200].Values[6] = float.NaN;
        var options = new OnnxExportOptions { Standardisation = new Standardisation(new float[GaussianTestData.Width], Enumerable.Repeat(2f, GaussianTestData.Width).ToArray()) };
        var scored = VpfFeatureScoring.Transform(model, View(rows), "Features", "Values", options);
        var e = Assert.Throws<InvalidOperationException>(() => TestData.Column(scored, "Features"));
        Assert.Contains("Row 1200 of column 'Values' has NaN at position 6", e.Message);
    }

    [Fact]
    public void A_saved_pipeline_loads_in_a_fresh_process_with_the_same_features()
    {
        var (model, _, zip) = SavedPipeline();
        var rows = GaussianTestData.Rows(20, seed: 8);
        var expected = TestData.Column(model.Transform(View(rows)), "Features");
        (model as IDisposable)?.Dispose();
        var checkedLoad = new MLContext().Model.LoadChecked(zip, out _);
        Assert.Equal(expected.SelectMany(r => r), TestData.Column(checkedLoad.Transform(View(rows)), "Features").SelectMany(r => r));

        string input = Path.Combine(_folder, "rows.txt"), output = Path.Combine(_folder, "outputs.txt");
        File.WriteAllLines(input, [$"{rows.Count} {GaussianTestData.Width}",
            .. rows.Select(r => string.Join(" ", r.Values.Select(x => x.ToString("R", CultureInfo.InvariantCulture))))]);
        RunLoadCheck(zip, input, output, "Values", "Features");
        var actual = File.ReadAllLines(output).Select(line => line.Split(' ').Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray()).ToList();
        TestData.AssertClose(expected, actual, 1e-6);
    }

    /// <summary>Loads <paramref name="args"/>[0] in a new process (tests/Vpf.ML.LoadCheck) and transforms the rows file into the outputs file.</summary>
    private static void RunLoadCheck(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(PersistenceTests.LoadCheckAssembly());
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "LoadCheck did not finish within 2 minutes");
        Assert.True(process.ExitCode == 0, $"LoadCheck exited with {process.ExitCode}:\n{stdout.Result}\n{stderr}");
    }

    /// <summary>The byte offset of <paramref name="values"/>' little-endian bytes in <paramref name="data"/> (they must occur once).</summary>
    private static int Find(byte[] data, IReadOnlyList<float> values)
    {
        byte[] pattern = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.ToArray().AsSpan()).ToArray();
        int at = data.AsSpan().IndexOf(pattern);
        Assert.True(at >= 0, "the values are not in the bytes");
        Assert.Equal(-1, data.AsSpan(at + 1).IndexOf(pattern));
        return at;
    }

    [Theory]
    [InlineData("mean")]
    [InlineData("scale")]
    public void A_flipped_bit_in_the_standardisation_is_refused_by_LoadChecked_and_Verify(string which)
    {
        var (model, standardisation, zip) = SavedPipeline();
        var values = which == "mean" ? standardisation.Means : standardisation.Scales;
        var rows = GaussianTestData.Rows(10, seed: 10);
        var expected = TestData.Column(model.Transform(View(rows)), "Features");

        // Rewrite the zip with one exponent bit of the third value flipped inside the ONNX graph: every zip entry's
        // CRC-32 is right, so only the graph's own checksum can tell.
        string tampered = Path.Combine(_folder, "tampered.zip");
        using (var source = ZipFile.OpenRead(zip))
        using (var target = ZipFile.Open(tampered, ZipArchiveMode.Create))
            foreach (var entry in source.Entries)
            {
                using var content = new MemoryStream();
                using (var stream = entry.Open()) stream.CopyTo(content);
                byte[] bytes = content.ToArray();
                if (entry.Name == "OnnxModel") bytes[Find(bytes, values) + 2 * sizeof(float) + 3] ^= 0x20;
                using var written = target.CreateEntry(entry.FullName).Open();
                written.Write(bytes);
            }
        var e = Assert.Throws<InvalidDataException>(() => new MLContext().Model.LoadChecked(tampered, out _));
        Assert.Contains("'" + tampered + "'", e.Message);
        Assert.Contains("SHA-256", e.Message);
        // Plain loading takes the damaged graph, whose standardisation now gives other features.
        var damaged = TestData.Column(new MLContext().Model.Load(tampered, out _).Transform(View(rows)), "Features");
        Assert.NotEqual(expected.SelectMany(r => r), damaged.SelectMany(r => r));

        // The standalone export carries the same checksum.
        var machine = _mlContext.Transforms.VpfFeatures("Features", "Values", GaussianTestData.Options()).TrainModel(GaussianTestData.View(_mlContext, 60, seed: 4));
        byte[] onnx = VpfOnnxExport.ToBytes(machine, new OnnxExportOptions { Standardisation = standardisation });
        string path = Path.Combine(_folder, "features.onnx");
        File.WriteAllBytes(path, onnx);
        VpfOnnxExport.Verify(path);
        onnx[Find(onnx, values) + 2 * sizeof(float)] ^= 0x01;
        File.WriteAllBytes(path, onnx);
        Assert.Contains("features.onnx", Assert.Throws<InvalidDataException>(() => VpfOnnxExport.Verify(path)).Message);
    }

    public static TheoryData<string, Action<VpfFeaturizerOptions>> BadGaussianOptions => new()
    {
        { nameof(VpfFeaturizerOptions.Method), o => o.Method = "pcd" },
        { nameof(VpfFeaturizerOptions.Method), o => o.Method = "mpf-rbm" },
        { nameof(VpfFeaturizerOptions.Method), o => o.Method = "no-such-method" },
        { nameof(VpfFeaturizerOptions.LateralLayers), o => o.LateralLayers = [0] },
        { nameof(VpfFeaturizerOptions.HiddenLayers), o => { o.Method = "sm-rbm"; o.HiddenLayers = [8, 6]; } },
        { nameof(VpfFeaturizerOptions.VisibleUnits), o => o.VisibleUnits = (VisibleUnitKind)5 },
    };

    [Theory]
    [MemberData(nameof(BadGaussianOptions))]
    public void Every_bad_gaussian_option_is_refused_with_the_estimator_s_field_name(string field, Action<VpfFeaturizerOptions> spoil)
    {
        var options = GaussianTestData.Options();
        spoil(options);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _mlContext.Transforms.VpfFeatures("F", "Values", options));
        Assert.Equal(field, e.ParamName);
        if (field == nameof(VpfFeaturizerOptions.Method) && options.Method != "no-such-method")
            Assert.Contains("must be one of vpf, sm-rbm, cd", e.Message);
    }

    [Fact]
    public void A_standardisation_must_match_the_kind_and_size_of_the_machine()
    {
        int w = GaussianTestData.Width;
        var gaussian = TestData.RandomModel(Architecture.Rbm(w, 4).WithVisibleUnits(VisibleUnitKind.Gaussian), seed: 1);
        var binary = TestData.RandomModel(Architecture.Rbm(w, 4), seed: 1);
        var fits = new Standardisation(new float[w], Enumerable.Repeat(1f, w).ToArray());
        var tooShort = new Standardisation(new float[w - 1], Enumerable.Repeat(1f, w - 1).ToArray());
        string field = nameof(VpfFeaturizerOptions.Standardisation);

        Assert.Equal(field, Assert.Throws<ArgumentOutOfRangeException>(() => _mlContext.Transforms.VpfFeaturesFromModel("F", "Values", gaussian)).ParamName);
        Assert.Equal(field, Assert.Throws<ArgumentOutOfRangeException>(() =>
            _mlContext.Transforms.VpfFeaturesFromModel("F", "Values", gaussian, new VpfFeaturizerOptions { Standardisation = tooShort })).ParamName);
        Assert.Equal(field, Assert.Throws<ArgumentOutOfRangeException>(() =>
            _mlContext.Transforms.VpfFeaturesFromModel("F", "Values", binary, new VpfFeaturizerOptions { Standardisation = fits })).ParamName);
        Assert.Equal(field, Assert.Throws<ArgumentOutOfRangeException>(() =>
            _mlContext.Transforms.VpfFeatures("F", "Values", new VpfFeaturizerOptions { Standardisation = fits })).ParamName);
        Assert.Equal("Standardisation", Assert.Throws<ArgumentOutOfRangeException>(() =>
            VpfOnnxExport.ToBytes(binary, new OnnxExportOptions { Standardisation = fits })).ParamName);
    }
}
