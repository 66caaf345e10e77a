namespace Vpf.Core.Model;

/// <summary>
/// The shape of a Boltzmann machine: sizes of layers x⁰ = v (visible), x¹ … x^L (hidden), which layers have lateral
/// (intra-layer) weights, and the kind of the visible units (binary, or Gaussian for real-valued data, vpf-math.md §9).
/// An RBM is two layers without laterals; a fully visible machine (Ising model) is one layer with laterals.
/// </summary>
public sealed class Architecture : IEquatable<Architecture>
{
    private readonly int[] _sizes;
    private readonly bool[] _lateral;

    /// <summary>
    /// The largest machine this library builds: <see cref="ParameterCount"/> at most 2^28 (268,435,456 parameters,
    /// 1 GiB of float32 per copy; training holds about five copies). It keeps every tensor length and every product of
    /// two layer sizes well inside <see cref="int"/> and <see cref="Array.MaxLength"/>.
    /// </summary>
    public const long MaxParameters = 1L << 28;

    /// <summary>Creates an architecture; <paramref name="lateral"/> (optional) says per layer whether it has lateral weights.</summary>
    /// <exception cref="InvalidOptionsException">No layers, a size below 1, a lateral list of the wrong length, or more than <see cref="MaxParameters"/> parameters.</exception>
    public Architecture(IReadOnlyList<int> layerSizes, IReadOnlyList<bool>? lateral = null)
        : this(layerSizes, lateral, VisibleUnitKind.Binary)
    {
    }

    /// <summary>Creates an architecture whose visible units are of kind <paramref name="visibleUnits"/>.</summary>
    /// <exception cref="InvalidOptionsException">As the other constructor; also an unknown kind, or a Gaussian visible layer with lateral weights.</exception>
    public Architecture(IReadOnlyList<int> layerSizes, IReadOnlyList<bool>? lateral, VisibleUnitKind visibleUnits)
    {
        if (layerSizes.Count < 1)
            throw new InvalidOptionsException("layers", "a Boltzmann machine needs at least one layer; got none.");
        for (int l = 0; l < layerSizes.Count; l++)
            if (layerSizes[l] < 1)
                throw new InvalidOptionsException("layers", $"layer {l} has {layerSizes[l]} units; every layer needs at least 1.");
        if (lateral is not null && lateral.Count != layerSizes.Count)
            throw new InvalidOptionsException("lateral", $"expected one flag per layer ({layerSizes.Count}); got {lateral.Count}.");
        _sizes = layerSizes.ToArray();
        _lateral = lateral?.ToArray() ?? new bool[_sizes.Length];
        if (!Enum.IsDefined(visibleUnits))
            throw new InvalidOptionsException("visibleUnits", $"unknown visible unit kind {(int)visibleUnits}; expected Binary or Gaussian.");
        // With lateral weights −½vᵀLv the Gaussian energy need not be bounded below (no normalisable distribution).
        if (visibleUnits == VisibleUnitKind.Gaussian && _lateral[0])
            throw new InvalidOptionsException("lateral", "a Gaussian visible layer cannot have lateral weights; got lateral weights in layer 0.");
        VisibleUnits = visibleUnits;
        long? count = CountParameters(_sizes, _lateral);
        if (count is null || count > MaxParameters)
            throw new InvalidOptionsException("layers",
                $"{ToString()} has {(count is { } c ? c.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "more than 2^63")} parameters; the limit is {MaxParameters:N0} (Architecture.MaxParameters).");
    }

    /// <summary>The parameter count of these layer sizes, or null when it overflows a long; checked arithmetic, no allocation.</summary>
    public static long? CountParameters(IReadOnlyList<int> sizes, IReadOnlyList<bool> lateral)
    {
        long count = 0;
        try
        {
            for (int l = 0; l < sizes.Count; l++)
            {
                count = checked(count + sizes[l]);
                if (l + 1 < sizes.Count) count = checked(count + (long)sizes[l] * sizes[l + 1]);
                if (l < lateral.Count && lateral[l]) count = checked(count + (long)sizes[l] * sizes[l]);
            }
        }
        catch (OverflowException)
        {
            return null;
        }
        return count;
    }

    /// <summary>A restricted Boltzmann machine with <paramref name="visible"/> and <paramref name="hidden"/> units.</summary>
    public static Architecture Rbm(int visible, int hidden) => new([visible, hidden]);

    /// <summary>A deep Boltzmann machine with the given layer sizes, visible first, and no lateral weights.</summary>
    public static Architecture Dbm(params int[] layerSizes) => new(layerSizes);

    /// <summary>A fully visible Boltzmann machine: one layer of <paramref name="units"/> with lateral weights.</summary>
    public static Architecture FullyVisible(int units) => new([units], [true]);

    /// <summary>The same layers with lateral weights added in the given layers (0 is the visible layer).</summary>
    public Architecture WithLateral(params int[] layers)
    {
        var lateral = (bool[])_lateral.Clone();
        foreach (int l in layers)
        {
            if (l < 0 || l >= _sizes.Length)
                throw new InvalidOptionsException("lateral", $"layer {l} does not exist; layers are 0…{_sizes.Length - 1}.");
            lateral[l] = true;
        }
        return new Architecture(_sizes, lateral, VisibleUnits);
    }

    /// <summary>The same layers with visible units of kind <paramref name="visibleUnits"/>.</summary>
    public Architecture WithVisibleUnits(VisibleUnitKind visibleUnits) => new(_sizes, _lateral, visibleUnits);

    /// <summary>The kind of the visible units: <see cref="VisibleUnitKind.Binary"/> unless set.</summary>
    public VisibleUnitKind VisibleUnits { get; }

    /// <summary>True when the visible units are Gaussian.</summary>
    public bool HasGaussianVisible => VisibleUnits == VisibleUnitKind.Gaussian;

    /// <summary>Units per layer, visible layer first.</summary>
    public IReadOnlyList<int> LayerSizes => _sizes;

    /// <summary>Whether each layer has lateral weights.</summary>
    public IReadOnlyList<bool> HasLateral => _lateral;

    /// <summary>Number of layers including the visible one (L + 1).</summary>
    public int LayerCount => _sizes.Length;

    /// <summary>Units in the visible layer.</summary>
    public int VisibleSize => _sizes[0];

    /// <summary>True for two layers without lateral weights in the hidden layer.</summary>
    public bool IsRbm => _sizes.Length == 2 && !_lateral[1];

    /// <summary>Total number of parameters (weights, biases, and the free entries of each lateral matrix counted as n²).</summary>
    public long ParameterCount => CountParameters(_sizes, _lateral)!.Value;

    /// <inheritdoc />
    public bool Equals(Architecture? other) =>
        other is not null && _sizes.AsSpan().SequenceEqual(other._sizes) && _lateral.AsSpan().SequenceEqual(other._lateral)
        && VisibleUnits == other.VisibleUnits;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Architecture);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        for (int l = 0; l < _sizes.Length; l++) { hash.Add(_sizes[l]); hash.Add(_lateral[l]); }
        hash.Add(VisibleUnits);
        return hash.ToHashCode();
    }

    /// <summary>Written like "784-500L-1000": sizes joined by '-', an 'L' marks lateral weights, a 'G' Gaussian visible units ("784G-500").</summary>
    public override string ToString() =>
        string.Join("-", _sizes.Select((n, l) => n.ToString(System.Globalization.CultureInfo.InvariantCulture)
            + (l == 0 && HasGaussianVisible ? "G" : "") + (_lateral[l] ? "L" : "")));
}
