namespace Vpf.Core.Training;

/// <summary>Column means of a rows × n block, the batch-mean rates <see cref="IMeanRateSource"/> reports.</summary>
internal static class MeanRates
{
    /// <summary>mean[k] = (1/rows) Σ_r rates[r·n + k], accumulated in double.</summary>
    public static void ColumnMeans(ReadOnlySpan<float> rates, int rows, Span<float> mean)
    {
        int n = mean.Length;
        if (rates.Length < rows * n) throw new ArgumentException($"Expected {rows} rows of {n} rates; got {rates.Length} values.", nameof(rates));
        Span<double> sums = n <= 1024 ? stackalloc double[n] : new double[n];
        sums.Clear();
        for (int r = 0; r < rows; r++)
        {
            var row = rates.Slice(r * n, n);
            for (int k = 0; k < n; k++) sums[k] += row[k];
        }
        for (int k = 0; k < n; k++) mean[k] = (float)(sums[k] / rows);
    }
}
