using Vpf.Kernels;

namespace Vpf.Core.Model;

/// <summary>
/// The parameters of vpf-math.md §1 (or a gradient of the same shape): W_l (n_l × n_{l+1}, row-major),
/// b_l (n_l) and, where the architecture has them, L_l (n_l × n_l, symmetric, zero diagonal).
/// </summary>
public sealed class ParameterSet
{
    /// <summary>Creates a zero parameter set for <paramref name="architecture"/>.</summary>
    public ParameterSet(Architecture architecture)
    {
        Architecture = architecture;
        var sizes = architecture.LayerSizes;
        Weights = new float[sizes.Count - 1][];
        for (int l = 0; l + 1 < sizes.Count; l++) Weights[l] = new float[sizes[l] * sizes[l + 1]];
        Biases = new float[sizes.Count][];
        Laterals = new float[]?[sizes.Count];
        for (int l = 0; l < sizes.Count; l++)
        {
            Biases[l] = new float[sizes[l]];
            if (architecture.HasLateral[l]) Laterals[l] = new float[sizes[l] * sizes[l]];
        }
    }

    private ParameterSet(Architecture architecture, float[][] weights, float[][] biases, float[]?[] laterals)
    {
        Architecture = architecture;
        Weights = weights;
        Biases = biases;
        Laterals = laterals;
    }

    /// <summary>
    /// The same tensors (shared, not copied) under <paramref name="architecture"/>, which must have the same layers and
    /// lateral flags: how a reader attaches a visible unit kind it reads after the tensors.
    /// </summary>
    internal ParameterSet WithArchitecture(Architecture architecture)
    {
        if (!architecture.LayerSizes.SequenceEqual(Architecture.LayerSizes) || !architecture.HasLateral.SequenceEqual(Architecture.HasLateral))
            throw new ArgumentException($"Architecture {architecture} does not have the layers of {Architecture}.", nameof(architecture));
        return new ParameterSet(architecture, Weights, Biases, Laterals);
    }

    /// <summary>The architecture these parameters belong to.</summary>
    public Architecture Architecture { get; }

    /// <summary>W_l between layer l and l + 1, row-major n_l × n_{l+1}; W_l[k, j] joins unit k of layer l to unit j of layer l + 1.</summary>
    public float[][] Weights { get; }

    /// <summary>b_l, one per layer.</summary>
    public float[][] Biases { get; }

    /// <summary>L_l, n_l × n_l row-major, or null where layer l has no lateral weights.</summary>
    public float[]?[] Laterals { get; }

    /// <summary>Every tensor in a fixed order (W_0…, b_0…, L_l…), for optimisers and checks that treat them alike.</summary>
    public IEnumerable<float[]> Tensors
    {
        get
        {
            foreach (var w in Weights) yield return w;
            foreach (var b in Biases) yield return b;
            foreach (var lat in Laterals) if (lat is not null) yield return lat;
        }
    }

    /// <summary>Sets every entry to zero.</summary>
    public void Clear()
    {
        foreach (var t in Tensors) Array.Clear(t);
    }

    /// <summary>A deep copy.</summary>
    public ParameterSet Clone()
    {
        var copy = new ParameterSet(Architecture);
        copy.CopyFrom(this);
        return copy;
    }

    /// <summary>Copies every value from <paramref name="source"/>, which must have the same architecture.</summary>
    public void CopyFrom(ParameterSet source)
    {
        if (!Architecture.Equals(source.Architecture))
            throw new ArgumentException($"Architecture {source.Architecture} does not match {Architecture}.", nameof(source));
        using var target = Tensors.GetEnumerator();
        foreach (var t in source.Tensors)
        {
            target.MoveNext();
            t.CopyTo(target.Current, 0);
        }
    }

    /// <summary>True when no entry is NaN or infinite.</summary>
    public bool IsFinite()
    {
        foreach (var t in Tensors)
            if (!Finiteness.AllFinite(t)) return false;
        return true;
    }

    /// <summary>Euclidean norm over every tensor, in double.</summary>
    public double Norm()
    {
        double s = 0;
        foreach (var t in Tensors)
            foreach (float x in t) s += (double)x * x;
        return Math.Sqrt(s);
    }
}
