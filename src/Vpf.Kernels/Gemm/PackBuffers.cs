using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vpf.Kernels.Gemm;

/// <summary>
/// Per-thread packing buffers, grown on demand and then reused, so that steady-state calls allocate nothing.
/// They live on the pinned object heap: addresses are stable without <c>fixed</c>, and the memory is reclaimed
/// by the GC when a thread dies (unlike native memory held in a thread-static).
/// </summary>
internal static unsafe class PackBuffers
{
    private const int AlignmentFloats = 16; // 64 bytes: one cache line, and any vector load stays inside one line.

    [ThreadStatic] private static float[]? _a;
    [ThreadStatic] private static float[]? _b;
    [ThreadStatic] private static float[]? _shared;

    /// <summary>A 64-byte-aligned buffer of at least <paramref name="length"/> floats for packed A.</summary>
    public static float* ForA(int length) => Get(ref _a, length);

    /// <summary>A 64-byte-aligned buffer of at least <paramref name="length"/> floats for packed B.</summary>
    public static float* ForB(int length) => Get(ref _b, length);

    /// <summary>
    /// A 64-byte-aligned buffer of at least <paramref name="length"/> floats for an operand packed whole by the
    /// calling thread and then read by all threads of one call.
    /// </summary>
    public static float* ForShared(int length) => Get(ref _shared, length);

    private static float* Get(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length + AlignmentFloats)
            buffer = GC.AllocateUninitializedArray<float>(length + AlignmentFloats, pinned: true);
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)((address + 63) & ~(nuint)63);
    }
}
