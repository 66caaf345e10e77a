namespace Vpf.Core.Data;

/// <summary>How grey-level intensities become the 0/1 values a binary Boltzmann machine sees.</summary>
public enum Binarisation
{
    /// <summary>A pixel is 1 when intensity / 255 ≥ the threshold fraction (default 0.5, i.e. intensity ≥ 128).</summary>
    Threshold,

    /// <summary>A pixel is 1 with probability intensity / 255, drawn once, reproducibly from a seed.</summary>
    Stochastic,
}
