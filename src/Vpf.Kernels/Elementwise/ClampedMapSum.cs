using System.Runtime.Intrinsics;

namespace Vpf.Kernels.Elementwise;

/// <summary>
/// Driver of out[i] = f(x[i], clamp(u[i])) with Σ g(x[i], clamp(u[i])) in double and the number of clamped u.
/// u is clamped to ±limit; NaN is neither clamped nor counted and propagates. Fixed chunks; the chunk partials
/// are added in chunk order, so the sums do not depend on the thread count.
/// </summary>
internal static unsafe class ClampedMapSum<TOperator> where TOperator : struct, IMapSumOperator
{
    /// <summary>Runs the operator over the first <paramref name="length"/> elements (lengths already validated).</summary>
    public static (double Sum, long Clamped) Invoke(ReadOnlySpan<float> x, ReadOnlySpan<float> u, Span<float> output, int length, float limit)
    {
        if (length == 0) return (0d, 0L);
        int width = VectorPath.Current;
        int count = Chunks.Count(length);
        fixed (float* px = x, pu = u, po = output)
        {
            var body = new Body { X = px, U = pu, Output = po, Length = length, Limit = limit, Width = width };
            double sum = 0d;
            long clamped = 0;
            if (!Chunks.IsParallel(length) || count < 2)
            {
                for (int c = 0; c < count; c++)
                {
                    var (s, k) = body.Chunk(c);
                    sum += s;
                    clamped += k;
                }
                return (sum, clamped);
            }
            var partials = new (double Sum, long Clamped)[count];
            fixed ((double, long)* pp = partials)
            {
                body.Partials = pp;
                Chunks.RunParallel(count, body);
            }
            for (int c = 0; c < count; c++) // chunk order, exactly as the sequential loop above
            {
                sum += partials[c].Sum;
                clamped += partials[c].Clamped;
            }
            return (sum, clamped);
        }
    }

    private struct Body : IChunkBody
    {
        public float* X, U, Output;
        public (double, long)* Partials;
        public int Length, Width;
        public float Limit;

        public readonly void Run(int chunk) => Partials[chunk] = Chunk(chunk);

        public readonly (double, long) Chunk(int chunk)
        {
            int start = chunk * Chunks.Size, end = (int)Math.Min(Length, (long)start + Chunks.Size);
            return Span(X + start, U + start, Output + start, end - start, Limit, Width);
        }
    }

    /// <summary>
    /// Vector main loop and a SCALAR tail: the sum and the clamp count are accumulations, so an overlapping last
    /// vector would count the overlapped elements twice. Output may alias x or u exactly (each element is read before
    /// it is written).
    /// </summary>
    private static (double, long) Span(float* x, float* u, float* o, int length, float limit, int width)
    {
        int i = 0;
        double sum = 0d;
        long clamped = 0;
        if (TOperator.Vectorizable && width >= 256 && length >= Vector256<float>.Count)
        {
            Vector256<float> hi = Vector256.Create(limit), lo = Vector256.Create(-limit);
            Vector256<double> sum0 = Vector256<double>.Zero, sum1 = Vector256<double>.Zero;
            Vector256<int> count = Vector256<int>.Zero; // ≤ Chunks.Size / 8 per lane: no overflow
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> field = Vector256.Load(u + i);
                Vector256<float> above = Vector256.GreaterThan(field, hi), below = Vector256.LessThan(field, lo);
                field = Vector256.ConditionalSelect(above, hi, Vector256.ConditionalSelect(below, lo, field));
                count -= (above | below).AsInt32();
                TOperator.Invoke(Vector256.Load(x + i), field, out Vector256<float> g).Store(o + i);
                // Widening to double is exact; the sum then carries double precision like the scalar reference.
                sum0 += Vector256.WidenLower(g);
                sum1 += Vector256.WidenUpper(g);
            }
            sum = Vector256.Sum(sum0 + sum1);
            clamped = Vector256.Sum(count);
        }
        else if (TOperator.Vectorizable && width >= 128 && length >= Vector128<float>.Count)
        {
            Vector128<float> hi = Vector128.Create(limit), lo = Vector128.Create(-limit);
            Vector128<double> sum0 = Vector128<double>.Zero, sum1 = Vector128<double>.Zero;
            Vector128<int> count = Vector128<int>.Zero;
            for (; i <= length - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> field = Vector128.Load(u + i);
                Vector128<float> above = Vector128.GreaterThan(field, hi), below = Vector128.LessThan(field, lo);
                field = Vector128.ConditionalSelect(above, hi, Vector128.ConditionalSelect(below, lo, field));
                count -= (above | below).AsInt32();
                TOperator.Invoke(Vector128.Load(x + i), field, out Vector128<float> g).Store(o + i);
                sum0 += Vector128.WidenLower(g);
                sum1 += Vector128.WidenUpper(g);
            }
            sum = Vector128.Sum(sum0 + sum1);
            clamped = Vector128.Sum(count);
        }
        for (; i < length; i++)
        {
            float field = u[i];
            if (field > limit) { field = limit; clamped++; }
            else if (field < -limit) { field = -limit; clamped++; }
            o[i] = TOperator.Invoke(x[i], field, out float g);
            sum += g;
        }
        return (sum, clamped);
    }
}
