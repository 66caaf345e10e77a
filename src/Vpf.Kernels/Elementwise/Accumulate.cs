using System.Runtime.Intrinsics;

namespace Vpf.Kernels.Elementwise;

/// <summary>Driver of accumulations y[i] ← f(x[i], y[i], parameter) over spans, in fixed chunks.</summary>
internal static unsafe class Accumulate<TOperator> where TOperator : struct, IAccumulateOperator
{
    /// <summary>Runs the operator over the first <paramref name="length"/> elements (lengths already validated).</summary>
    public static void Invoke(ReadOnlySpan<float> x, Span<float> y, int length, float parameter)
    {
        if (length == 0) return;
        fixed (float* px = x, py = y)
        {
            Chunks.Run(length, new Body { X = px, Y = py, Length = length, Parameter = parameter, Width = VectorPath.Current },
                Chunks.MemoryBoundParallelThreshold);
        }
    }

    private struct Body : IChunkBody
    {
        public float* X, Y;
        public int Length, Width;
        public float Parameter;

        public readonly void Run(int chunk)
        {
            int start = chunk * Chunks.Size, end = (int)Math.Min(Length, (long)start + Chunks.Size);
            Span(X + start, Y + start, end - start, Parameter, Width);
        }
    }

    /// <summary>
    /// Vector main loop and a SCALAR tail: an accumulation is not idempotent, so an overlapping last vector would
    /// add the overlapped elements twice.
    /// </summary>
    public static void Span(float* x, float* y, int length, float parameter, int width)
    {
        int i = 0;
        if (TOperator.Vectorizable && width >= 256)
        {
            Vector256<float> p = Vector256.Create(parameter);
            for (; i <= length - 2 * Vector256<float>.Count; i += 2 * Vector256<float>.Count)
            {
                TOperator.Invoke(Vector256.Load(x + i), Vector256.Load(y + i), p).Store(y + i);
                TOperator.Invoke(Vector256.Load(x + i + 8), Vector256.Load(y + i + 8), p).Store(y + i + 8);
            }
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
                TOperator.Invoke(Vector256.Load(x + i), Vector256.Load(y + i), p).Store(y + i);
        }
        else if (TOperator.Vectorizable && width >= 128)
        {
            Vector128<float> p = Vector128.Create(parameter);
            for (; i <= length - Vector128<float>.Count; i += Vector128<float>.Count)
                TOperator.Invoke(Vector128.Load(x + i), Vector128.Load(y + i), p).Store(y + i);
        }
        for (; i < length; i++) y[i] = TOperator.Invoke(x[i], y[i], parameter);
    }
}
