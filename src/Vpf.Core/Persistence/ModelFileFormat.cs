using System.Globalization;
using System.Text.Json;
using Vpf.Core.Model;

namespace Vpf.Core.Persistence;

/// <summary>Constants and checks shared by the model file writer and reader (the layout is documented in <see cref="ModelFileWriter"/>).</summary>
internal static class ModelFileFormat
{
    /// <summary>"VPFM".</summary>
    public static ReadOnlySpan<byte> Magic => "VPFM"u8;

    public const ushort Major = 1;
    /// <summary>
    /// 1 since the visible unit kind (format 1.1.0), 2 since the stored standardisation (1.2.0); files of minor 0 have
    /// binary visible units, files of minor ≤ 1 no standardisation.
    /// </summary>
    public const ushort Minor = 2;
    public const ushort Patch = 0;

    /// <summary>Magic, version triple, reserved word, total length.</summary>
    public const int FixedHeaderLength = 4 + 3 * 2 + 2 + 8;

    public const int ChecksumLength = 4;

    public static string Version => $"{Major}.{Minor}.{Patch}";

    /// <summary>The info block is compact camelCase JSON; unknown properties are ignored on read.</summary>
    public static readonly JsonSerializerOptions InfoJson = CreateInfoJson();

    /// <summary>One tensor as the format lays them out.</summary>
    public readonly record struct TensorSlot(string Name, int Rows, int Columns, bool IsMatrix)
    {
        public long Count => (long)Rows * Columns;

        /// <summary>"784×500 float32" or "500 float32".</summary>
        public string Shape => IsMatrix ? $"{Rows}×{Columns} float32" : $"{Rows} float32";
    }

    /// <summary>W_0 …, b_0 …, L_l …: the order of <see cref="ParameterSet.Tensors"/>.</summary>
    public static List<TensorSlot> Slots(IReadOnlyList<int> sizes, IReadOnlyList<bool> lateral)
    {
        var slots = new List<TensorSlot>();
        for (int l = 0; l + 1 < sizes.Count; l++) slots.Add(new($"W{l}", sizes[l], sizes[l + 1], true));
        for (int l = 0; l < sizes.Count; l++) slots.Add(new($"b{l}", sizes[l], 1, false));
        for (int l = 0; l < sizes.Count; l++)
            if (lateral[l]) slots.Add(new($"L{l}", sizes[l], sizes[l], true));
        return slots;
    }

    /// <summary>
    /// What makes <paramref name="parameters"/> unfit to store, or null when nothing does: a tensor of the wrong
    /// length, a NaN or infinite entry, a lateral matrix that is not symmetric or has a non-zero diagonal.
    /// </summary>
    public static string? FindProblem(ParameterSet parameters)
    {
        var arch = parameters.Architecture;
        var slots = Slots(arch.LayerSizes, arch.HasLateral);
        int i = 0;
        foreach (var tensor in parameters.Tensors)
        {
            var slot = slots[i++];
            if (tensor.Length != slot.Count)
                return $"{slot.Name} has {tensor.Length} elements; expected {slot.Shape} = {slot.Count}.";
            for (int k = 0; k < tensor.Length; k++)
                if (!float.IsFinite(tensor[k]))
                    return $"{slot.Name}{Index(slot, k)} is {tensor[k].ToString(CultureInfo.InvariantCulture)}; every parameter must be finite.";
            if (slot.Name[0] == 'L')
            {
                int n = slot.Rows;
                for (int r = 0; r < n; r++)
                {
                    if (tensor[r * n + r] != 0f)
                        return $"{slot.Name}[{r},{r}] is {F(tensor[r * n + r])}; a lateral matrix must have a zero diagonal.";
                    for (int c = r + 1; c < n; c++)
                        if (tensor[r * n + c] != tensor[c * n + r])
                            return $"{slot.Name}[{r},{c}] is {F(tensor[r * n + c])} but {slot.Name}[{c},{r}] is {F(tensor[c * n + r])}; a lateral matrix must be symmetric.";
                }
            }
        }
        return null;
    }

    private static string Index(TensorSlot slot, int k) => slot.IsMatrix ? $"[{k / slot.Columns},{k % slot.Columns}]" : $"[{k}]";

    private static string F(float x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static JsonSerializerOptions CreateInfoJson()
    {
        var settings = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            PropertyNameCaseInsensitive = true,
        };
        settings.MakeReadOnly(populateMissingResolver: true);
        return settings;
    }
}
