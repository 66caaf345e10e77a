using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using Vpf.Kernels;

namespace Vpf.Bench;

/// <summary>
/// The three matrix-product shapes at training sizes, on 1 thread and on 2 (all cores of the reference
/// machine). Compare with bench/openblas_sgemm.py, which prints the same rows for numpy's OpenBLAS sgemm.
/// </summary>
[Config(typeof(Config))]
public class MatrixProductBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new GflopsColumn(fromMinimum: false), new GflopsColumn(fromMinimum: true));
            // Row names must stay whole to line up with bench/openblas_sgemm.py.
            SummaryStyle = SummaryStyle.Default.WithMaxParameterColumnWidth(40);
        }
    }

    private float[] _a = [], _b = [], _c = [];

    [ParamsSource(nameof(Cases))]
    public ProductCase Case { get; set; } = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    public static IEnumerable<ProductCase> Cases() => ProductCase.TrainingShapes();

    [GlobalSetup]
    public void Setup()
    {
        KernelSettings.MaxThreads = Threads;
        var random = new Random(42);
        _a = Values(random, Case.M * Case.K);
        _b = Values(random, Case.K * Case.N);
        _c = new float[Case.M * Case.N];
    }

    private static float[] Values(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    [Benchmark]
    public void Product()
    {
        switch (Case.Kind)
        {
            case ProductKind.Multiply: MatrixProduct.Multiply(_a, _b, _c, Case.M, Case.K, Case.N); break;
            case ProductKind.MultiplyByTransposed: MatrixProduct.MultiplyByTransposed(_a, _b, _c, Case.M, Case.K, Case.N); break;
            default: MatrixProduct.AccumulateTransposedProduct(_a, _b, _c, Case.M, Case.K, Case.N, 1e-4f); break;
        }
    }
}
