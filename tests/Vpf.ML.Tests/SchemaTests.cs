using Microsoft.ML;
using Microsoft.ML.Data;
using Vpf.Core.Model;

namespace Vpf.ML.Tests;

public sealed class SchemaTests
{
    private readonly MLContext _mlContext = new(seed: 1);

    private sealed class ScalarRow
    {
        public float Pixels { get; set; }
    }

    private sealed class VariableRow
    {
        public float[] Pixels { get; set; } = [];
    }

    private sealed class DoubleRow
    {
        [VectorType(64)]
        public double[] Pixels { get; set; } = [];
    }

    private sealed class WideRow
    {
        [VectorType(128)]
        public float[] Pixels { get; set; } = [];
    }

    private sealed class OtherRow
    {
        [VectorType(64)]
        public float[] Image { get; set; } = [];
    }

    public static TheoryData<string, string> BadColumns() => new()
    {
        { "missing", "got no such column (the schema has columns 'Image')" },
        { "scalar", "got Single." },
        { "variable", "got Vector<Single> of variable size." },
        { "double", "got Vector<Double, 64>." },
    };

    private IDataView View(string kind) => kind switch
    {
        "missing" => _mlContext.Data.LoadFromEnumerable([new OtherRow { Image = new float[64] }]),
        "scalar" => _mlContext.Data.LoadFromEnumerable([new ScalarRow()]),
        "variable" => _mlContext.Data.LoadFromEnumerable([new VariableRow { Pixels = new float[64] }]),
        "double" => _mlContext.Data.LoadFromEnumerable([new DoubleRow { Pixels = new double[64] }]),
        "wide" => _mlContext.Data.LoadFromEnumerable([new WideRow { Pixels = new float[128] }]),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(BadColumns))]
    public void Fit_names_the_column_the_expected_type_and_the_found_one(string kind, string got)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            _mlContext.Transforms.VpfFeatures("Features", "Pixels", FeaturizerTests.SmallOptions()).Fit(View(kind)));
        Assert.StartsWith($"Schema mismatch for input column 'Pixels': expected known-size vector of Single, {got}", error.Message);
        Assert.Equal("input", error.ParamName);
    }

    [Theory]
    [MemberData(nameof(BadColumns))]
    public void GetOutputSchema_applies_the_same_rule(string kind, string got)
    {
        var shape = TestData.Shape(View(kind).Schema);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            _mlContext.Transforms.VpfFeatures("Features", "Pixels").GetOutputSchema(shape));
        // Before data, sizes are unknown: a known-size vector shows as Vector<Double> rather than Vector<Double, 64>.
        Assert.StartsWith($"Schema mismatch for input column 'Pixels': expected known-size vector of Single, {got.Replace(", 64>", ">")}", error.Message);
        Assert.Equal("inputSchema", error.ParamName);
    }

    [Fact]
    public void A_trained_model_checks_the_size()
    {
        var model = TestData.RandomModel(Architecture.Rbm(TestData.Pixels, 8), seed: 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            _mlContext.Transforms.VpfFeaturesFromModel("Features", "Pixels", model).Fit(View("wide")));
        Assert.StartsWith("Schema mismatch for input column 'Pixels': expected known-size vector of Single of 64 items, got Vector<Single, 128>.", error.Message);
    }

    [Fact]
    public void The_fitted_transformer_rejects_a_column_of_another_size()
    {
        var model = TestData.RandomModel(Architecture.Rbm(TestData.Pixels, 8), seed: 1);
        var transformer = _mlContext.Transforms.VpfFeaturesFromModel("Features", "Pixels", model).Fit(TestData.View(_mlContext, 5, seed: 1));
        // ML.NET's ONNX transformer alone would fail only while reading rows, without naming the column.
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => transformer.Transform(View("wide")));
        Assert.StartsWith("Schema mismatch for input column 'Pixels': expected known-size vector of Single of 64 items, got Vector<Single, 128>.", error.Message);
        error = Assert.Throws<ArgumentOutOfRangeException>(() => transformer.GetOutputSchema(View("double").Schema));
        Assert.StartsWith("Schema mismatch for input column 'Pixels': expected known-size vector of Single of 64 items, got Vector<Double, 64>.", error.Message);
    }
}
