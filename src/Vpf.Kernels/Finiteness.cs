using System.Runtime.Intrinsics;
using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels;

/// <summary>The check that a parameter tensor holds no NaN or infinity, as one vector reduction.</summary>
internal static unsafe class Finiteness
{
    /// <summary>
    /// True when no element of <paramref name="x"/> is NaN or ±∞: Σ x·0 (see <see cref="TimesZeroOperator"/>) is 0 then
    /// and NaN otherwise, on every width.
    /// </summary>
    public static bool AllFinite(ReadOnlySpan<float> x)
    {
        int n = x.Length, i = 0, width = VectorPath.Current;
        float sum = 0f;
        fixed (float* p = x)
        {
            if (width >= 256)
            {
                Vector256<float> acc = Vector256<float>.Zero;
                for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count) acc += TimesZeroOperator.Invoke(Vector256.Load(p + i));
                sum = Vector256.Sum(acc);
            }
            else if (width >= 128)
            {
                Vector128<float> acc = Vector128<float>.Zero;
                for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count) acc += TimesZeroOperator.Invoke(Vector128.Load(p + i));
                sum = Vector128.Sum(acc);
            }
            for (; i < n; i++) sum += TimesZeroOperator.Invoke(p[i]);
        }
        return sum == 0f;
    }
}
