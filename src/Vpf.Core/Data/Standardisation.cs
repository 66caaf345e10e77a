namespace Vpf.Core.Data;

/// <summary>
/// Per-column standardisation z = (x − μ) / s, computed on the training rows, that puts real-valued data on the scale
/// of unit-variance Gaussian visible units (docs/vpf-math.md §9). A model trained on standardised data stores it, so
/// that every later door (evaluation, sampling, the featurizer) maps raw rows the same way.
/// </summary>
/// <remarks>
/// A column that does not vary on the training rows gets s = 1 (it standardises to x − μ, 0 on the training rows)
/// rather than a division by zero. Densities move between the two scales by the Jacobian:
/// log p(x) = log p(z) − <see cref="LogDeterminant"/>.
/// </remarks>
public sealed class Standardisation
{
    /// <summary>Below this standard deviation a column counts as constant and is only shifted (s = 1).</summary>
    public const double ConstantColumnLimit = 1e-6;

    private readonly float[] _means;
    private readonly float[] _scales;

    /// <summary>A standardisation with the given column means and scales (standard deviations), e.g. read from a model file.</summary>
    /// <exception cref="ArgumentException">The lengths differ or are 0, a mean is not finite, or a scale is not finite and positive (the message names the column).</exception>
    public Standardisation(IReadOnlyList<float> means, IReadOnlyList<float> scales)
    {
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(scales);
        if (means.Count == 0 || means.Count != scales.Count)
            throw new ArgumentException($"{means.Count} means and {scales.Count} scales given; both need one value per column.", nameof(scales));
        for (int c = 0; c < means.Count; c++)
        {
            if (!float.IsFinite(means[c]))
                throw new ArgumentException($"The mean of column {c} is {means[c]}; it must be finite.", nameof(means));
            if (!(float.IsFinite(scales[c]) && scales[c] > 0))
                throw new ArgumentException($"The scale of column {c} is {scales[c]}; it must be finite and positive.", nameof(scales));
        }
        _means = [.. means];
        _scales = [.. scales];
    }

    /// <summary>Number of columns.</summary>
    public int Dimension => _means.Length;

    /// <summary>The mean μ of each column on the training rows.</summary>
    public IReadOnlyList<float> Means => _means;

    /// <summary>The scale s of each column: its standard deviation on the training rows, or 1 for a constant column.</summary>
    public IReadOnlyList<float> Scales => _scales;

    /// <summary>Σ log s_i: what a log-density on the standardised scale loses on the data's own scale.</summary>
    public double LogDeterminant => _scales.Sum(s => Math.Log(s));

    /// <summary>The column means and standard deviations (population, in double precision) of <paramref name="train"/>.</summary>
    /// <exception cref="ArgumentException">The set has no rows.</exception>
    public static Standardisation Fit(Dataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Count == 0) throw new ArgumentException("A standardisation needs at least one training row.", nameof(train));
        int d = train.Dimension;
        double[] means = train.ColumnMeans();
        var squares = new double[d];
        var row = new float[d];
        for (int r = 0; r < train.Count; r++)
        {
            train.CopyRow(r, row);
            for (int c = 0; c < d; c++)
            {
                double deviation = row[c] - means[c];
                squares[c] += deviation * deviation;
            }
        }
        var scales = new float[d];
        for (int c = 0; c < d; c++)
        {
            double sd = Math.Sqrt(squares[c] / train.Count);
            scales[c] = sd < ConstantColumnLimit ? 1f : (float)sd;
        }
        return new Standardisation(means.Select(m => (float)m).ToArray(), scales);
    }

    /// <summary>Standardises rows laid out one after another, in place: x ↦ (x − μ) / s.</summary>
    /// <exception cref="ArgumentException">The length is not a whole number of rows.</exception>
    public void Apply(Span<float> rows)
    {
        CheckRows(rows.Length);
        for (int t = 0; t < rows.Length; t++)
        {
            int c = t % _means.Length;
            rows[t] = (rows[t] - _means[c]) / _scales[c];
        }
    }

    /// <summary>Maps standardised rows back to the data's own scale, in place: z ↦ μ + s z (e.g. samples for display).</summary>
    /// <exception cref="ArgumentException">The length is not a whole number of rows.</exception>
    public void Invert(Span<float> rows)
    {
        CheckRows(rows.Length);
        for (int t = 0; t < rows.Length; t++)
        {
            int c = t % _means.Length;
            rows[t] = _means[c] + _scales[c] * rows[t];
        }
    }

    /// <summary>A standardised copy of <paramref name="data"/>, with its labels and image shape.</summary>
    /// <exception cref="ArgumentException">The set's rows have another number of columns.</exception>
    public RealDataset Apply(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Dimension != Dimension)
            throw new ArgumentException($"The rows have {data.Dimension} columns but the standardisation has {Dimension}.", nameof(data));
        var values = new float[(long)data.Count * data.Dimension];
        data.CopyRows(Enumerable.Range(0, data.Count).ToArray(), values);
        Apply(values);
        return RealDataset.FromValues(values, data.Count, data.Dimension, data.HasLabels ? data.Labels.ToArray() : null,
            data.ImageRows, data.ImageColumns);
    }

    private void CheckRows(int length)
    {
        if (length % _means.Length != 0)
            throw new ArgumentException($"{length} values are not a whole number of rows of {_means.Length}.", "rows");
    }
}
