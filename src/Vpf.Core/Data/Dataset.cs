namespace Vpf.Core.Data;

/// <summary>
/// A set of visible vectors that training, evaluation and the probes read one mini-batch at a time: bit-packed binary
/// rows (<see cref="BinaryDataset"/>) or real values (<see cref="RealDataset"/>, for Gaussian visible units).
/// </summary>
/// <remarks>
/// Everything downstream of the data reads rows through <see cref="CopyRows"/> as floats, so one training loop serves
/// both kinds; what differs is only whether a binary visible layer may see the values (<see cref="IsBinary"/>).
/// </remarks>
public abstract class Dataset
{
    /// <summary>Only this assembly's two kinds of data exist, so that every reader can rely on <see cref="IsBinary"/>.</summary>
    private protected Dataset()
    {
    }

    /// <summary>Number of rows (examples).</summary>
    public abstract int Count { get; }

    /// <summary>Number of values per row (visible units).</summary>
    public abstract int Dimension { get; }

    /// <summary>Pixel rows of each example when it is an image (for display), else 0.</summary>
    public abstract int ImageRows { get; }

    /// <summary>Pixel columns of each example when it is an image (for display), else 0.</summary>
    public abstract int ImageColumns { get; }

    /// <summary>Whether each row carries a label.</summary>
    public abstract bool HasLabels { get; }

    /// <summary>One label per row when <see cref="HasLabels"/>, else empty.</summary>
    public abstract ReadOnlyMemory<byte> Labels { get; }

    /// <summary>Whether every value is exactly 0 or 1, so that a binary visible layer may be trained on the rows.</summary>
    public abstract bool IsBinary { get; }

    /// <summary>The label of <paramref name="row"/>.</summary>
    /// <exception cref="InvalidOperationException">The set has no labels.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is outside [0, <see cref="Count"/>).</exception>
    public abstract byte GetLabel(int row);

    /// <summary>
    /// Writes the mini-batch made of rows <paramref name="rowIndices"/> (any order, repeats allowed) as floats: row
    /// rowIndices[i] goes to destination[i·D .. (i+1)·D). Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, <see cref="Count"/>); nothing is written.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than rowIndices.Length × <see cref="Dimension"/>; longer is fine, the rest is left alone.</exception>
    public abstract void CopyRows(ReadOnlySpan<int> rowIndices, Span<float> destination);

    /// <summary>Writes row <paramref name="row"/> as <see cref="Dimension"/> floats.</summary>
    public void CopyRow(int row, Span<float> destination) => CopyRows([row], destination);

    /// <summary>The mean of each column over all rows (0 for an empty set): the marginals of binary data.</summary>
    public abstract double[] ColumnMeans();
}
