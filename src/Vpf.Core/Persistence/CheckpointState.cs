using System.Globalization;
using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Persistence;

/// <summary>
/// The scalar part of a checkpoint (<c>checkpoint.json</c>) and its validation: one method per record, each naming the
/// field that is wrong. A new field is a property here plus a line in <see cref="Validate"/>.
/// </summary>
internal sealed class CheckpointState
{
    public int Version { get; set; }
    public int EpochsCompleted { get; set; }
    public int BatchesCompleted { get; set; }
    public double EpochSumK { get; set; }
    public long EpochRows { get; set; }
    public long EpochClamps { get; set; }
    public double Seconds { get; set; }
    public List<EpochRecord>? History { get; set; }
    public OptimiserKind OptimiserKind { get; set; }
    public long OptimiserStep { get; set; }
    public int Moments { get; set; }
    public DataRecord? Data { get; set; }
    public List<float[]?>? Offsets { get; set; }

    public static CheckpointState From(TrainingCheckpoint c) => new()
    {
        Version = CheckpointFile.FormatVersion,
        EpochsCompleted = c.EpochsCompleted,
        BatchesCompleted = c.BatchesCompleted,
        EpochSumK = c.EpochObjectiveSum,
        EpochRows = c.EpochRows,
        EpochClamps = c.EpochClamps,
        Seconds = c.Seconds,
        History = c.History.Select(h => new EpochRecord { Epoch = h.Epoch, MeanK = h.MeanObjective, Seconds = h.Seconds, ClampCount = h.ClampCount }).ToList(),
        OptimiserKind = c.Optimiser.Kind,
        OptimiserStep = c.Optimiser.Step,
        Moments = c.Optimiser.Moments.Count,
        Data = c.Data is null ? null : new DataRecord { Rows = c.Data.Rows, Dimension = c.Data.Dimension, Hash = c.Data.Hash },
        Offsets = c.Offsets?.Select(a => (float[]?)a.ToArray()).ToList(),
    };

    public TrainingCheckpoint ToCheckpoint(IReadOnlyList<ParameterSet> moments) =>
        new(EpochsCompleted, BatchesCompleted, EpochSumK, EpochRows, EpochClamps, Seconds,
            History!.Select(h => new EpochSummary(h.Epoch, h.MeanK, h.Seconds, h.ClampCount)).ToArray(),
            new OptimiserState(OptimiserKind, OptimiserStep, moments))
        {
            Data = Data is null ? null : new DataFingerprint(Data.Rows, Data.Dimension, Data.Hash!),
        };

    /// <summary>The first thing wrong with the fields (as "Field: what"), or null, for a checkpoint of a model of <paramref name="architecture"/>.</summary>
    public string? Validate(Architecture architecture)
    {
        int visible = architecture.LayerSizes[0];
        if (EpochsCompleted < 0) return $"EpochsCompleted is {EpochsCompleted}; expected ≥ 0";
        if (BatchesCompleted < 0) return $"BatchesCompleted is {BatchesCompleted}; expected ≥ 0";
        if (EpochRows < 0) return $"EpochRows is {EpochRows}; expected ≥ 0";
        if (EpochRows < BatchesCompleted || (BatchesCompleted == 0 && EpochRows != 0))
            return $"EpochRows is {EpochRows} after {BatchesCompleted} batches; every batch has at least one row";
        if (EpochClamps < 0) return $"EpochClamps is {EpochClamps}; expected ≥ 0";
        // Every objective (flow K, reconstruction cross-entropy) is a mean of non-negative terms, and nothing is summed before the epoch's first batch.
        if (!double.IsFinite(EpochSumK) || EpochSumK < 0) return $"EpochSumK is {F(EpochSumK)}; expected a finite number ≥ 0";
        if (BatchesCompleted == 0 && EpochSumK != 0) return $"EpochSumK is {F(EpochSumK)} before the epoch's first batch; expected 0";
        if (BatchesCompleted == 0 && EpochClamps != 0) return $"EpochClamps is {EpochClamps} before the epoch's first batch; expected 0";
        // A clamp is one (row, unit) field or exponent that hit the limit: the flow objectives count at most one per unit of
        // every layer per row (MPF-RBM one per visible unit), the others none.
        long units = architecture.LayerSizes.Sum(n => (long)n);
        if (EpochClamps > (Int128)EpochRows * units)
            return $"EpochClamps is {EpochClamps}; at most {(Int128)EpochRows * units} fields can be clamped in the epoch's {EpochRows} rows of {units} units";
        if (SecondsProblem(Seconds) is { } seconds) return $"Seconds {seconds}";
        if (History is null) return "History is missing; expected one entry per completed epoch";
        if (History.Count != EpochsCompleted) return $"History has {History.Count} entries; expected one per completed epoch ({EpochsCompleted})";
        for (int i = 0; i < History.Count; i++)
            if (History[i] is not { } h) return $"History[{i}] is null";
            else if (h.Validate(i + 1) is { } problem) return $"History[{i}].{problem}";
            else if (i > 0 && h.Seconds < History[i - 1]!.Seconds)
                return $"History[{i}].Seconds is {F(h.Seconds)}, less than epoch {i}'s {F(History[i - 1]!.Seconds)}; the training clock only goes forward";
        if (History.Count > 0 && History[^1]!.Seconds > Seconds)
            return $"Seconds is {F(Seconds)}, less than the {F(History[^1]!.Seconds)} at the end of epoch {History.Count}; the training clock only goes forward";
        if (!Enum.IsDefined(OptimiserKind)) return $"OptimiserKind is {(int)OptimiserKind}; expected {string.Join(" or ", Enum.GetNames<OptimiserKind>())}";
        if (OptimiserStep < 0) return $"OptimiserStep is {OptimiserStep}; expected ≥ 0";
        int full = OptimiserKind == OptimiserKind.Adam ? 2 : 1;
        if (Moments != (OptimiserStep == 0 ? 0 : full))
            return $"Moments is {Moments}; a {OptimiserKind} state after {OptimiserStep} steps has {(OptimiserStep == 0 ? 0 : full)} moment tensor sets";
        if (Data is not null && Data.Validate(visible) is { } dataProblem) return $"Data.{dataProblem}";
        return null;
    }

    internal static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The longest training time a checkpoint may record: about 32 years, far below what a <see cref="TimeSpan"/> holds.</summary>
    public const double MaxSeconds = 1e9;

    /// <summary>What is wrong with a recorded duration ("is …; expected …"), or null.</summary>
    internal static string? SecondsProblem(double seconds) =>
        double.IsFinite(seconds) && seconds >= 0 && seconds <= MaxSeconds ? null
            : $"is {F(seconds)}; expected a finite number of seconds between 0 and {F(MaxSeconds)} (about 32 years)";

    internal sealed class EpochRecord
    {
        public int Epoch { get; set; }
        public double MeanK { get; set; }
        public double Seconds { get; set; }
        public long ClampCount { get; set; }

        public string? Validate(int epoch)
        {
            if (Epoch != epoch) return $"Epoch is {Epoch}; expected {epoch}";
            if (!double.IsFinite(MeanK) || MeanK < 0) return $"MeanK is {F(MeanK)}; expected a finite number ≥ 0";
            if (SecondsProblem(Seconds) is { } seconds) return $"Seconds {seconds}";
            if (ClampCount < 0) return $"ClampCount is {ClampCount}; expected ≥ 0";
            return null;
        }
    }

    internal sealed class DataRecord
    {
        public int Rows { get; set; }
        public int Dimension { get; set; }
        public string? Hash { get; set; }

        public string? Validate(int visible)
        {
            if (Rows < 1) return $"Rows is {Rows}; expected ≥ 1";
            if (Dimension != visible) return $"Dimension is {Dimension}; the model has {visible} visible units";
            if (Hash is null || Hash.Length != 8 || !Hash.All(char.IsAsciiHexDigitLower)) return $"Hash is '{Hash}'; expected 8 lower-case hexadecimal digits";
            return null;
        }
    }
}
