namespace Vpf.Core.Model;

/// <summary>What the visible units of a machine are (vpf-math.md §1 and §9); hidden units are always binary.</summary>
public enum VisibleUnitKind
{
    /// <summary>Binary units in {0, 1} with energy term −b_i v_i: p(v_i = 1 | h) = σ(b_i + (W h)_i).</summary>
    Binary = 0,

    /// <summary>
    /// Real-valued units of unit variance with energy term ½ (v_i − b_i)²: p(v | h) = N(b + W h, I). Meant for data
    /// standardised per column (mean 0, variance 1).
    /// </summary>
    Gaussian = 1,
}
