namespace Vpf.Core.Model;

/// <summary>
/// softplus(x) = log(1 + eˣ), the log-partition of one binary unit with field x: every free energy and exact
/// likelihood sums it over the units that are summed out.
/// </summary>
internal static class Softplus
{
    /// <summary>log(1 + eˣ) without overflow.</summary>
    internal static double Of(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));
}
