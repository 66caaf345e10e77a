using System.Runtime.Intrinsics;

namespace Vpf.Kernels.Elementwise;

/// <summary>
/// Driver of row-broadcast operations out[r, i] = f(input[r, i], bias[i], out[r, i], parameter) on a rows × n batch.
/// The flat index range is cut into fixed chunks (<see cref="Chunks"/>) and every chunk into row segments, so the
/// arithmetic of each element depends only on the shape, never on the thread count.
/// </summary>
internal static unsafe class RowBias<TOperator> where TOperator : struct, IRowBiasOperator
{
    /// <summary>
    /// Runs the operator. <paramref name="output"/> may be the same memory as <paramref name="input"/> (exact alias) but
    /// may not be shifted against it, nor overlap <paramref name="bias"/>; lengths must already be validated.
    /// </summary>
    public static void Invoke(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Span<float> output, int total, float parameter)
    {
        if (total == 0) return;
        fixed (float* pi = input, pb = bias, po = output)
        {
            Chunks.Run(total, new Body
            {
                Input = pi, Bias = pb, Output = po, N = bias.Length, Total = total,
                Parameter = parameter, Width = VectorPath.Current,
            });
        }
    }

    internal struct Body : IChunkBody
    {
        public float* Input, Bias, Output;
        public int N, Total, Width;
        public float Parameter;

        public readonly void Run(int chunk)
        {
            int start = chunk * Chunks.Size, end = (int)Math.Min(Total, (long)start + Chunks.Size);
            for (int index = start; index < end;)
            {
                int row = index / N, column = index - row * N;
                int length = Math.Min(N - column, end - index);
                Segment(Input + index, Bias + column, Output + index, length, Parameter, Width);
                index += length;
            }
        }
    }

    /// <summary>One contiguous piece of a row: out[i] = f(x[i], b[i], out[i], p) for i &lt; length.</summary>
    private static void Segment(float* x, float* b, float* o, int length, float parameter, int width)
    {
        if (TOperator.Vectorizable)
        {
            if (width >= 256 && length >= Vector256<float>.Count)
            {
                Segment256(x, b, o, length, parameter);
                return;
            }
            if (width >= 128 && length >= Vector128<float>.Count)
            {
                Segment128(x, b, o, length, parameter);
                return;
            }
        }
        for (int i = 0; i < length; i++)
            o[i] = TOperator.Invoke(x[i], b[i], TOperator.ReadsDestination ? o[i] : 0f, parameter);
    }

    // The remainder is handled by one overlapping last vector. It is computed BEFORE the main loop stores anything,
    // from the original input and output values, and stored last: recomputing the overlapped elements from
    // already-written outputs would be wrong when out aliases input or when the operator reads the previous output.
    private static void Segment256(float* x, float* b, float* o, int length, float parameter)
    {
        Vector256<float> p = Vector256.Create(parameter);
        int last = length - Vector256<float>.Count;
        Vector256<float> tail = TOperator.Invoke(
            Vector256.Load(x + last), Vector256.Load(b + last),
            TOperator.ReadsDestination ? Vector256.Load(o + last) : default, p);
        for (int i = 0; i < last; i += Vector256<float>.Count)
        {
            Vector256<float> r = TOperator.Invoke(
                Vector256.Load(x + i), Vector256.Load(b + i),
                TOperator.ReadsDestination ? Vector256.Load(o + i) : default, p);
            r.Store(o + i);
        }
        tail.Store(o + last);
    }

    private static void Segment128(float* x, float* b, float* o, int length, float parameter)
    {
        Vector128<float> p = Vector128.Create(parameter);
        int last = length - Vector128<float>.Count;
        Vector128<float> tail = TOperator.Invoke(
            Vector128.Load(x + last), Vector128.Load(b + last),
            TOperator.ReadsDestination ? Vector128.Load(o + last) : default, p);
        for (int i = 0; i < last; i += Vector128<float>.Count)
        {
            Vector128<float> r = TOperator.Invoke(
                Vector128.Load(x + i), Vector128.Load(b + i),
                TOperator.ReadsDestination ? Vector128.Load(o + i) : default, p);
            r.Store(o + i);
        }
        tail.Store(o + last);
    }
}
