using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vpf.Core.Inference;
using Vpf.Core.Model;
using Vpf.ML;

namespace Vpf.Bench;

/// <summary>
/// Rows per second of VPF feature extraction on 10,000 rows of 784 pixels with a random 784-500-1000 DBM and 10
/// mean-field sweeps: ML.NET's ONNX transformer as fitted by <c>mlContext.Transforms.VpfFeatures</c> (one ONNX Runtime
/// call per row), the in-process batched <see cref="VpfFeatureScoring.Transform"/>, and the core's batched
/// <see cref="MeanFieldSweep.Infer"/> on the same rows (already binarised). Times are per row
/// (OperationsPerInvoke = 10,000); rows/s = 1 / time.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class FeaturizerThroughputBenchmark
{
    private const int Rows = 10_000, PixelCount = 784, Sweeps = 10;

    private sealed class Row
    {
        [VectorType(PixelCount)]
        public float[] Pixels { get; set; } = [];
    }

    private MLContext _mlContext = null!;
    private DeepBoltzmannMachine _model = null!;
    private IDataView _data = null!;
    private ITransformer _onnx = null!;
    private float[] _binary = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        var rows = new List<Row>(Rows);
        _binary = new float[Rows * PixelCount];
        for (int r = 0; r < Rows; r++)
        {
            var pixels = new float[PixelCount];
            for (int p = 0; p < PixelCount; p++)
            {
                bool on = rng.NextDouble() < 0.35;
                pixels[p] = on ? 128 + rng.Next(128) : rng.Next(128);
                _binary[r * PixelCount + p] = on ? 1f : 0f;
            }
            rows.Add(new Row { Pixels = pixels });
        }
        _mlContext = new MLContext(seed: 1);
        _data = _mlContext.Data.LoadFromEnumerable(rows);
        _model = DeepBoltzmannMachine.CreateRandom(Architecture.Dbm(PixelCount, 500, 1000), seed: 1);
        var options = new VpfFeaturizerOptions { HiddenLayers = [500, 1000], MeanFieldSweeps = Sweeps };
        _onnx = _mlContext.Transforms.VpfFeaturesFromModel("Features", "Pixels", _model, options).Fit(_data);
    }

    [Benchmark(Description = "ML.NET ONNX transformer (per row)", OperationsPerInvoke = Rows)]
    public float OnnxTransformer() => Consume(_onnx.Transform(_data));

    [Benchmark(Description = "VpfFeatureScoring.Transform (in-process, batched)", OperationsPerInvoke = Rows)]
    public float InProcess() => Consume(VpfFeatureScoring.Transform(_model, _data, "Features", "Pixels",
        new Vpf.Onnx.OnnxExportOptions { MeanFieldSweeps = Sweeps }));

    [Benchmark(Baseline = true, Description = "core MeanFieldSweep.Infer (batched)", OperationsPerInvoke = Rows)]
    public float CoreInfer() => MeanFieldSweep.Infer(_model, _binary, Rows, Sweeps)[2][0];

    private static float Consume(IDataView view)
    {
        var column = view.Schema["Features"];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        float sum = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            sum += value.GetValues()[0];
        }
        return sum;
    }
}
