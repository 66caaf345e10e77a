namespace Vpf.Core.Model;

/// <summary>Where Gaussian visible units (vpf-math.md §9) are not supported yet, the one refusal every such place throws.</summary>
internal static class GaussianVisible
{
    /// <summary>
    /// Throws <see cref="InvalidOptionsException"/> (option "Architecture") naming <paramref name="method"/> when
    /// <paramref name="architecture"/> has Gaussian visible units.
    /// </summary>
    public static void Refuse(Architecture architecture, string method)
    {
        if (architecture.HasGaussianVisible)
            throw new InvalidOptionsException("Architecture",
                $"{method} supports binary visible units only; {architecture} has Gaussian visible units.");
    }
}
