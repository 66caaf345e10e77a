using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Vpf.Bench;

/// <summary>
/// Throughput of a <see cref="ProductCase"/> benchmark, 2·m·n·k / time, from the mean or (on a machine shared
/// with other work, the steadier figure) the fastest iteration.
/// </summary>
public sealed class GflopsColumn(bool fromMinimum) : IColumn
{
    public string Id => fromMinimum ? "GflopsBest" : "GflopsMean";
    public string ColumnName => fromMinimum ? "GFLOP/s best" : "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => fromMinimum ? 1 : 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => fromMinimum
        ? "2·m·n·k / fastest iteration, in 10^9 floating-point operations per second"
        : "2·m·n·k / mean time, in 10^9 floating-point operations per second";

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        if (statistics is null || benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Value is ProductCase)?.Value is not ProductCase product)
            return "NA";
        double nanoseconds = fromMinimum ? statistics.Min : statistics.Mean;
        return (product.Flops / nanoseconds).ToString("F1"); // operations per ns = GFLOP/s
    }

    public override string ToString() => ColumnName;
}
