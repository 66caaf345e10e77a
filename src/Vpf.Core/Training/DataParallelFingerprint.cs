using System.Runtime.InteropServices;
using System.Text;
using Vpf.Core.Data;
using Vpf.Core.Model;

namespace Vpf.Core.Training;

/// <summary>
/// Checks, with one collective comparison before the first batch, that every process of a data-parallel run trains
/// the same thing: processes started with other options, data, architecture or starting parameters would otherwise
/// exchange gradients of different models — silently wrong, or stuck when their batch counts differ.
/// </summary>
internal static class DataParallelFingerprint
{
    /// <summary>Throws <see cref="InvalidOptionsException"/> on every process, naming what differs, if any process disagrees.</summary>
    public static void Check(IDataParallelGroup group, TrainingOptions options, ITrainingObjective objective, DeepBoltzmannMachine model,
        Dataset data, TrainingCheckpoint? resumeFrom)
    {
        (string Name, long Value)[] parts =
        [
            ("training options", Text(options.ToString())),
            ("training method", Text(objective.GetType().FullName ?? objective.GetType().Name)),
            ("architecture", Text(model.Architecture.ToString())),
            ("training data", Data(data)),
            ("starting parameters", Parameters(model.Parameters)),
            ("resume point", resumeFrom is null ? -1 : ((long)resumeFrom.EpochsCompleted << 32) | (uint)resumeFrom.BatchesCompleted),
        ];
        bool[] same = group.Agree(parts.Select(p => p.Value).ToArray());
        var differ = parts.Where((_, i) => !same[i]).Select(p => p.Name).ToArray();
        if (differ.Length > 0)
            throw new InvalidOptionsException("distributed",
                $"the {group.Size} processes disagree about the {string.Join(", ", differ)}; start every process with the same command, data and checkpoint.");
    }

    private static long Text(string text) => Hash(Encoding.UTF8.GetBytes(text));

    private static long Data(Dataset data)
    {
        var crc = new Crc32C();
        crc.Append(BitConverter.GetBytes(data.Count));
        crc.Append(BitConverter.GetBytes(data.Dimension));
        const int chunk = 1024;
        var rows = new int[chunk];
        var values = new float[chunk * data.Dimension];
        for (int start = 0; start < data.Count; start += chunk)
        {
            int n = Math.Min(chunk, data.Count - start);
            for (int i = 0; i < n; i++) rows[i] = start + i;
            data.CopyRows(rows.AsSpan(0, n), values.AsSpan(0, n * data.Dimension));
            crc.Append(MemoryMarshal.AsBytes(values.AsSpan(0, n * data.Dimension)));
        }
        return ((long)data.Count << 32) | crc.Value;
    }

    private static long Parameters(ParameterSet parameters)
    {
        var crc = new Crc32C();
        long count = 0;
        foreach (var t in parameters.Tensors)
        {
            crc.Append(MemoryMarshal.AsBytes(t.AsSpan()));
            count += t.Length;
        }
        return (count << 32) | crc.Value;
    }

    private static long Hash(byte[] bytes) => ((long)bytes.Length << 32) | Crc32C.Compute(bytes);
}
