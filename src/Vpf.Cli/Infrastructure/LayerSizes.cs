using System.Globalization;
using Vpf.Core.Model;

namespace Vpf.Cli;

/// <summary>
/// Turns the sizes of <c>--layers</c> into all layer sizes for data of a given dimension, with checked arithmetic.
/// A list whose first entry equals the data's dimension gives all sizes, visible first; a list whose first entry is
/// smaller gives hidden sizes only; a list of two or more whose first entry is larger is refused, because that first
/// size reads as a mistyped visible size (write it after the visible size to mean a hidden layer).
/// </summary>
internal static class LayerSizes
{
    /// <summary>All layer sizes, visible first; a <see cref="UsageException"/> for <c>--layers</c> when they do not fit the data or the limits.</summary>
    public static int[] WithVisible(int[] sizes, int visible, string text, IReadOnlyList<int>? lateral = null)
    {
        int[] all = sizes.Length > 0 && sizes[0] == visible ? sizes
            : sizes.Length >= 2 && sizes[0] > visible ? throw new UsageException("--layers", string.Create(CultureInfo.InvariantCulture,
                $"'{text}' starts with {sizes[0]}, read as the visible size, but the data have {visible} values per image. " +
                $"Start with {visible} to give all sizes ({visible},{string.Join(",", sizes.Skip(1))}), or {visible},{text} to keep {sizes[0]} as a hidden layer."))
            : [visible, .. sizes];
        var flags = new bool[all.Length];
        if (lateral is not null)
            foreach (int l in lateral)
                if (l >= 0 && l < flags.Length) flags[l] = true;
        long? count = Architecture.CountParameters(all, flags);
        if (count is null || count > Architecture.MaxParameters)
            throw new UsageException("--layers", string.Create(CultureInfo.InvariantCulture,
                $"{string.Join("-", all)} has {(count is { } c ? c.ToString("N0", CultureInfo.InvariantCulture) : "more than 2^63")} parameters; the limit is {Architecture.MaxParameters:N0}."));
        return all;
    }
}
