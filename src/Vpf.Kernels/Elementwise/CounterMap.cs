using System.Runtime.Intrinsics;

namespace Vpf.Kernels.Elementwise;

/// <summary>Driver of counter operations out[i] = f(x[i], first + i, key), in fixed chunks; counter = first + index within the span.</summary>
internal static unsafe class CounterMap<TOperator> where TOperator : struct, ICounterOperator
{
    /// <summary>Runs the operator over the first <paramref name="length"/> elements; output may alias input exactly.</summary>
    public static void Invoke(ReadOnlySpan<float> x, Span<float> output, int length, uint key0, uint key1, uint firstCounter = 0)
    {
        if (length == 0) return;
        fixed (float* px = x, po = output)
        {
            Chunks.Run(length, new Body { X = px, Output = po, Length = length, Key0 = key0, Key1 = key1, First = firstCounter, Width = VectorPath.Current });
        }
    }

    internal struct Body : IChunkBody
    {
        public float* X, Output;
        public int Length, Width;
        public uint Key0, Key1, First;

        public readonly void Run(int chunk)
        {
            int start = chunk * Chunks.Size, end = (int)Math.Min(Length, (long)start + Chunks.Size);
            Span(X + start, Output + start, end - start, First + (uint)start, Key0, Key1, Width);
        }
    }

    // Remainder: an overlapping last vector (the map is idempotent), computed before the main loop stores so that
    // an output aliasing the input still sees the original values.
    private static void Span(float* x, float* o, int length, uint first, uint key0, uint key1, int width)
    {
        if (TOperator.Vectorizable && width >= 256 && length >= Vector256<float>.Count)
        {
            Vector256<uint> k0 = Vector256.Create(key0), k1 = Vector256.Create(key1);
            Vector256<uint> lanes = Vector256<uint>.Indices + Vector256.Create(first);
            int last = length - Vector256<float>.Count;
            Vector256<float> tail = TOperator.Invoke(Vector256.Load(x + last), lanes + Vector256.Create((uint)last), k0, k1);
            for (int i = 0; i < last; i += Vector256<float>.Count)
                TOperator.Invoke(Vector256.Load(x + i), lanes + Vector256.Create((uint)i), k0, k1).Store(o + i);
            tail.Store(o + last);
            return;
        }
        if (TOperator.Vectorizable && width >= 128 && length >= Vector128<float>.Count)
        {
            Vector128<uint> k0 = Vector128.Create(key0), k1 = Vector128.Create(key1);
            Vector128<uint> lanes = Vector128<uint>.Indices + Vector128.Create(first);
            int last = length - Vector128<float>.Count;
            Vector128<float> tail = TOperator.Invoke(Vector128.Load(x + last), lanes + Vector128.Create((uint)last), k0, k1);
            for (int i = 0; i < last; i += Vector128<float>.Count)
                TOperator.Invoke(Vector128.Load(x + i), lanes + Vector128.Create((uint)i), k0, k1).Store(o + i);
            tail.Store(o + last);
            return;
        }
        for (int i = 0; i < length; i++) o[i] = TOperator.Invoke(x[i], first + (uint)i, key0, key1);
    }
}
