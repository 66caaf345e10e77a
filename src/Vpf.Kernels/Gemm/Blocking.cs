namespace Vpf.Kernels.Gemm;

/// <summary>
/// Register and cache blocking of the packed matrix product (BLIS loop order: NC → KC → MC → NR → MR).
/// Sizes were measured on Zen 4 (32 KiB L1d and 1 MiB L2 per core): a KC×NR micro-panel of B stays in L1,
/// an MC×KC block of packed A stays in L2, a KC×NC block of packed B stays in L2/L3.
/// </summary>
internal static class Blocking
{
    /// <summary>Rows of the register tile: 6 rows × 2 vectors = 12 accumulators leave room for 2 B vectors and a broadcast in 16 registers.</summary>
    public const int MR = 6;

    /// <summary>Columns of the register tile: two 256-bit vectors.</summary>
    public const int NR = 16;

    /// <summary>Upper bound of the depth of one packed block.</summary>
    public static int KC = 256;

    /// <summary>Upper bound of the rows of one packed A block (a multiple of <see cref="MR"/>).</summary>
    public static int MC = 144;

    /// <summary>Upper bound of the columns of one packed B block (a multiple of <see cref="NR"/>).</summary>
    public static int NC = 4080;

    /// <summary>
    /// The depth of every block but possibly the last, so that k splits into nearly equal blocks rather than
    /// full blocks and a thin remainder. Depends on k only: the summation order of every element of C must not
    /// depend on how rows or columns are spread over threads.
    /// </summary>
    public static int DepthBlock(int k)
    {
        int blocks = (k + KC - 1) / KC;
        return (k + blocks - 1) / blocks;
    }

    /// <summary>Rows per packed A block for a range of <paramref name="rows"/> rows: nearly equal blocks, multiples of MR.</summary>
    public static int RowBlock(int rows) => BalancedBlock(rows, MC, MR);

    /// <summary>Columns per packed B block for a range of <paramref name="columns"/> columns: nearly equal blocks, multiples of NR.</summary>
    public static int ColumnBlock(int columns) => BalancedBlock(columns, NC, NR);

    private static int BalancedBlock(int length, int max, int unit)
    {
        if (length <= max) return RoundUp(length, unit);
        int blocks = (length + max - 1) / max;
        return RoundUp((length + blocks - 1) / blocks, unit);
    }

    public static int RoundUp(int value, int unit) => (value + unit - 1) / unit * unit;
}
