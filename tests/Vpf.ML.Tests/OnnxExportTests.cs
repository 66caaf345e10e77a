using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Vpf.Core.Inference;
using Vpf.Core.Model;
using Vpf.Onnx;

namespace Vpf.ML.Tests;

public sealed class OnnxExportTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in new[] { "rbm", "dbm3", "dbm-lateral" })
            foreach (int sweeps in new[] { 0, 1, 3, 10 })
                data.Add(name, sweeps);
        return data;
    }

    private static Architecture ArchitectureFor(string name) => name switch
    {
        "rbm" => Architecture.Rbm(TestData.Pixels, 24),
        "dbm3" => Architecture.Dbm(TestData.Pixels, 24, 16, 10),
        "dbm-lateral" => Architecture.Dbm(TestData.Pixels, 24, 12).WithLateral(1, 2),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Onnx_rates_match_MeanFieldSweep_Infer(string name, int sweeps)
    {
        var model = TestData.RandomModel(ArchitectureFor(name), seed: 7);
        var images = TestData.Images(40, seed: 3).Select(r => r.Pixels).ToList();
        const float damping = 0.3f;
        var all = Enumerable.Range(1, model.LayerCount - 1).ToArray();

        var expected = MeanFieldSweep.Infer(model, TestData.Binarise(images), images.Count, sweeps, damping);
        var actual = RunOnnx(model, images, new OnnxExportOptions { MeanFieldSweeps = sweeps, Damping = damping, OutputLayers = all });

        int offset = 0;
        foreach (int l in all)
        {
            int n = model.LayerSize(l);
            var layer = actual.Select(row => row.AsSpan(offset, n).ToArray()).ToList();
            TestData.AssertClose(TestData.Rows(expected[l], n), layer, 1e-5);
            offset += n;
        }
        Assert.Equal(offset, actual[0].Length);
    }

    [Fact]
    public void Default_output_is_the_top_layer_and_layers_come_in_the_order_given()
    {
        var model = TestData.RandomModel(ArchitectureFor("dbm3"), seed: 9);
        var images = TestData.Images(10, seed: 4).Select(r => r.Pixels).ToList();
        var rates = MeanFieldSweep.Infer(model, TestData.Binarise(images), images.Count);

        TestData.AssertClose(TestData.Rows(rates[3], 10), RunOnnx(model, images, new OnnxExportOptions()), 1e-5);
        var twoThenOne = RunOnnx(model, images, new OnnxExportOptions { OutputLayers = [2, 1] });
        var expected = Enumerable.Range(0, images.Count)
            .Select(r => rates[2].AsSpan(r * 16, 16).ToArray().Concat(rates[1].AsSpan(r * 24, 24).ToArray()).ToArray()).ToList();
        TestData.AssertClose(expected, twoThenOne, 1e-5);
        Assert.Equal(40, VpfOnnxExport.OutputWidth(model, new OnnxExportOptions { OutputLayers = [2, 1] }));
    }

    [Fact]
    public void Binarisation_follows_threshold_and_maximum_and_can_be_turned_off()
    {
        var model = TestData.RandomModel(Architecture.Rbm(4, 3), seed: 2);
        float[] row = [0.2f, 0.5f, 0.7f, 1f];
        var onUnitScale = RunOnnx(model, [row], new OnnxExportOptions { MaxIntensity = 1f, BinarisationThreshold = 0.6f });
        var expected = MeanFieldSweep.Infer(model, [0f, 0f, 1f, 1f], 1)[1];
        TestData.AssertClose([expected], onUnitScale, 1e-6);

        var raw = RunOnnx(model, [[0f, 1f, 1f, 0f]], new OnnxExportOptions { Binarise = false });
        TestData.AssertClose([MeanFieldSweep.Infer(model, [0f, 1f, 1f, 0f], 1)[1]], raw, 1e-6);
    }

    [Fact]
    public void Grey_levels_clamp_the_visible_units_to_intensity_over_maximum_and_refuse_intensities_outside_it()
    {
        var model = TestData.RandomModel(Architecture.Dbm(4, 3, 2), seed: 2);
        float[] row = [0f, 0f, 51f, 255f];
        var grey = RunOnnx(model, [row], new OnnxExportOptions { GreyLevels = true, MaxIntensity = 255f, OutputLayers = [1, 2] });
        // Intensities outside [0, max] are refused by the graph rather than clipped.
        foreach (float outside in new[] { -5f, 300f })
        {
            var e = Assert.ThrowsAny<Exception>(() => RunOnnx(model, [[0f, 0f, 51f, outside]], new OnnxExportOptions { GreyLevels = true, MaxIntensity = 255f }));
            Assert.Contains("Pixel check", e.Message);
            Assert.Contains("idx=3 ", e.Message);
        }
        var rates = MeanFieldSweep.Infer(model, [0f, 0f, 0.2f, 1f], 1);
        TestData.AssertClose([[.. rates[1], .. rates[2]]], grey, 1e-6);
        // A threshold would have given other features: the test can tell the two apart.
        var thresholded = RunOnnx(model, [row], new OnnxExportOptions { MaxIntensity = 255f, OutputLayers = [1, 2] });
        Assert.NotEqual(grey[0], thresholded[0]);
    }

    [Fact]
    public void Written_file_holds_the_declared_input_and_output()
    {
        var model = TestData.RandomModel(ArchitectureFor("dbm-lateral"), seed: 5);
        string path = Path.Combine(Path.GetTempPath(), $"vpf-export-{Guid.NewGuid():N}.onnx");
        try
        {
            VpfOnnxExport.Write(model, path, new OnnxExportOptions { InputName = "x", OutputName = "y" });
            using var session = new InferenceSession(path);
            Assert.Equal(["x"], session.InputMetadata.Keys);
            Assert.Equal(["y"], session.OutputMetadata.Keys);
            Assert.Equal([-1, TestData.Pixels], session.InputMetadata["x"].Dimensions);
            Assert.Equal([-1, 12], session.OutputMetadata["y"].Dimensions);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Options_out_of_range_name_the_option()
    {
        var model = TestData.RandomModel(ArchitectureFor("dbm3"), seed: 1);
        Assert.Equal("OutputLayers", Assert.Throws<ArgumentOutOfRangeException>(() => VpfOnnxExport.ToBytes(model, new OnnxExportOptions { OutputLayers = [0] })).ParamName);
        Assert.Equal("OutputLayers", Assert.Throws<ArgumentOutOfRangeException>(() => VpfOnnxExport.ToBytes(model, new OnnxExportOptions { OutputLayers = [1, 1] })).ParamName);
        Assert.Equal("Damping", Assert.Throws<ArgumentOutOfRangeException>(() => VpfOnnxExport.ToBytes(model, new OnnxExportOptions { Damping = 1f })).ParamName);
        Assert.Equal("MeanFieldSweeps", Assert.Throws<ArgumentOutOfRangeException>(() => VpfOnnxExport.ToBytes(model, new OnnxExportOptions { MeanFieldSweeps = -1 })).ParamName);
        Assert.Equal("OutputName", Assert.Throws<ArgumentOutOfRangeException>(() => VpfOnnxExport.ToBytes(model, new OnnxExportOptions { InputName = "a", OutputName = "a" })).ParamName);
    }

    /// <summary>Runs the exported graph with ONNX Runtime directly.</summary>
    internal static List<float[]> RunOnnx(DeepBoltzmannMachine model, IReadOnlyList<float[]> rows, OnnxExportOptions options)
    {
        using var session = new InferenceSession(VpfOnnxExport.ToBytes(model, options));
        int width = rows[0].Length;
        var input = new DenseTensor<float>(rows.SelectMany(r => r).ToArray(), [rows.Count, width]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(options.InputName, input)]);
        var output = results.Single().AsTensor<float>();
        int outWidth = output.Dimensions[1];
        var flat = output.ToArray();
        return TestData.Rows(flat, outWidth);
    }
}
