using System.Globalization;
using Vpf.Core.Model;

namespace Vpf.Cli;

/// <summary>
/// Bounds the buffers that a count option sizes (samples, chains, runs) before they are allocated: count × values per
/// item may not exceed <see cref="Architecture.MaxParameters"/>, the same limit as a model's parameters.
/// </summary>
internal static class CountLimits
{
    /// <summary>Throws a <see cref="UsageException"/> for <paramref name="option"/> when <paramref name="count"/> items of <paramref name="perItem"/> values are too many.</summary>
    public static void Check(string option, long count, long perItem)
    {
        if (count * perItem > Architecture.MaxParameters)
            throw new UsageException(option, string.Create(CultureInfo.InvariantCulture,
                $"{count:N0} × {perItem:N0} values per item = {count * perItem:N0}, more than the limit of {Architecture.MaxParameters:N0}; use a smaller {option}."));
    }
}
