namespace Vpf.Kernels.Elementwise;

/// <summary>Argument checks shared by the kernels; the messages name the argument and give needed and actual lengths.</summary>
internal static class Validate
{
    /// <summary>rows ≥ 0.</summary>
    public static void Rows(int rows, string name = "rows")
    {
        if (rows < 0) throw new ArgumentOutOfRangeException(name, rows, "The number of rows must not be negative.");
    }

    /// <summary>rows × n as a checked int element count.</summary>
    public static int Product(int rows, int n, string what)
    {
        long total = (long)rows * n;
        if (total > Array.MaxLength)
            throw new ArgumentException($"{what} = {rows} × {n} = {total} elements exceeds the largest span length.");
        return (int)total;
    }

    /// <summary>A span holds at least <paramref name="needed"/> elements.</summary>
    public static void Length(int given, long needed, string name, string what)
    {
        if (given < needed)
            throw new ArgumentException(
                $"'{name}' must hold at least {needed} elements ({what}) but has {given}.", name);
    }

    /// <summary>
    /// <paramref name="output"/> is either the very same memory as <paramref name="input"/> or does not overlap it:
    /// an output shifted against its input would read values the kernel has already overwritten.
    /// </summary>
    public static void SameOrDisjoint(ReadOnlySpan<float> input, ReadOnlySpan<float> output, string inputName, string outputName)
    {
        if (input.Overlaps(output, out int offset) && offset != 0)
            throw new ArgumentException(
                $"'{outputName}' overlaps '{inputName}' at an offset of {offset} elements; it must be the same memory or disjoint.", outputName);
    }

    /// <summary><paramref name="output"/> does not overlap <paramref name="input"/> at all.</summary>
    public static void Disjoint(ReadOnlySpan<float> input, ReadOnlySpan<float> output, string inputName, string outputName)
    {
        if (input.Overlaps(output))
            throw new ArgumentException($"'{outputName}' must not overlap '{inputName}'.", outputName);
    }
}
