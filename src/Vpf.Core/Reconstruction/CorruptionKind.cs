namespace Vpf.Core.Reconstruction;

/// <summary>The families of corruption of vpf-math.md §7 and §9, which call for different inference.</summary>
public enum CorruptionKind
{
    /// <summary>
    /// Some pixels are flipped (0 ↔ 1). Every pixel is observed but none can be trusted, so reconstruction leaves
    /// every visible unit free and starts from the noisy image (denoising).
    /// </summary>
    PixelFlips,

    /// <summary>
    /// Some pixels are hidden. The others are observed exactly, so reconstruction clamps them and infers only the
    /// hidden ones (in-filling).
    /// </summary>
    Occlusion,

    /// <summary>
    /// Real values have Gaussian noise added (Gaussian visible units, vpf-math.md §9). As for flips every value is
    /// observed but none can be trusted, so reconstruction leaves every visible unit free and starts from the noisy values.
    /// </summary>
    GaussianNoise,
}
