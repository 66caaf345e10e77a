using System.Runtime.InteropServices;
using System.Text;

namespace Vpf.Distributed;

/// <summary>
/// The handful of MPI functions data-parallel training needs, on MPI_COMM_WORLD, with the handle values and
/// signatures of the loaded library's ABI (<see cref="MpiImplementation"/>). Every method returns MPI's error code.
/// </summary>
internal abstract class MpiBindings
{
    public abstract MpiImplementation Implementation { get; }
    public abstract int Init();
    public abstract int Initialized(out bool initialized);
    public abstract int Finalized(out bool finalized);
    public abstract int Finalize();
    public abstract int Rank(out int rank);
    public abstract int Size(out int size);
    public abstract int SumInPlace(Span<float> values);
    public abstract int SumInPlace(Span<double> values);
    public abstract int MinInPlace(Span<long> values);
    public abstract int MaxInPlace(Span<long> values);
    public abstract int Abort(int exitCode);
    public abstract string ErrorString(int code);
    public abstract string LibraryVersion();

    /// <summary>The bindings for a loaded library.</summary>
    public static MpiBindings For(nint library, MpiImplementation implementation) => implementation switch
    {
        MpiImplementation.Mpich => new Mpich(),
        _ => new OpenMpi(library),
    };

    private static string Text(byte[] buffer, int length) => Encoding.UTF8.GetString(buffer, 0, Math.Clamp(length, 0, buffer.Length)).TrimEnd('\0', '\n', ' ');

    /// <summary>MPICH's ABI: the constants of its mpi.h (MPICH 3 and 4, Intel MPI, MVAPICH share them).</summary>
    private sealed class Mpich : MpiBindings
    {
        private const int CommWorld = 0x44000000, Float = 0x4c00040a, Double = 0x4c00080b, LongLong = 0x4c000809;
        private const int OpMax = 0x58000001, OpMin = 0x58000002, OpSum = 0x58000003;
        private static readonly nint InPlace = -1;

        public override MpiImplementation Implementation => MpiImplementation.Mpich;
        public override int Init() => Native.MPI_Init(0, 0);
        public override int Initialized(out bool initialized) { int rc = Native.MPI_Initialized(out int f); initialized = f != 0; return rc; }
        public override int Finalized(out bool finalized) { int rc = Native.MPI_Finalized(out int f); finalized = f != 0; return rc; }
        public override int Finalize() => Native.MPI_Finalize();
        public override int Rank(out int rank) => Native.MPI_Comm_rank(CommWorld, out rank);
        public override int Size(out int size) => Native.MPI_Comm_size(CommWorld, out size);
        public override int SumInPlace(Span<float> values) => values.IsEmpty ? 0 : Native.MPI_Allreduce(InPlace, ref MemoryMarshal.GetReference(values), values.Length, Float, OpSum, CommWorld);
        public override int SumInPlace(Span<double> values) => values.IsEmpty ? 0 : Native.MPI_Allreduce(InPlace, ref MemoryMarshal.GetReference(values), values.Length, Double, OpSum, CommWorld);
        public override int MinInPlace(Span<long> values) => values.IsEmpty ? 0 : Native.MPI_Allreduce(InPlace, ref MemoryMarshal.GetReference(values), values.Length, LongLong, OpMin, CommWorld);
        public override int MaxInPlace(Span<long> values) => values.IsEmpty ? 0 : Native.MPI_Allreduce(InPlace, ref MemoryMarshal.GetReference(values), values.Length, LongLong, OpMax, CommWorld);
        public override int Abort(int exitCode) => Native.MPI_Abort(CommWorld, exitCode);

        public override string ErrorString(int code)
        {
            var buffer = new byte[1024]; // MPI_MAX_ERROR_STRING
            return Native.MPI_Error_string(code, buffer, out int length) == 0 ? Text(buffer, length) : $"error {code}";
        }

        public override string LibraryVersion()
        {
            var buffer = new byte[8192]; // MPI_MAX_LIBRARY_VERSION_STRING
            return Native.MPI_Get_library_version(buffer, out int length) == 0 ? Text(buffer, length) : "unknown";
        }

        private static class Native
        {
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Init(nint argc, nint argv);
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Initialized(out int flag);
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Finalized(out int flag);
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Finalize();
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Comm_rank(int comm, out int rank);
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Comm_size(int comm, out int size);
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Allreduce(nint sendbuf, ref float recvbuf, int count, int datatype, int op, int comm);
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Allreduce(nint sendbuf, ref double recvbuf, int count, int datatype, int op, int comm);
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Allreduce(nint sendbuf, ref long recvbuf, int count, int datatype, int op, int comm);
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Abort(int comm, int errorcode);
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Error_string(int errorcode, byte[] text, out int length);
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Get_library_version(byte[] version, out int length);
        }
    }

    /// <summary>Open MPI's ABI: a handle is the address of the library's predefined object (as its mpi.h macros expand).</summary>
    private sealed class OpenMpi(nint library) : MpiBindings
    {
        private static readonly nint InPlace = 1;
        private readonly nint _commWorld = Export(library, "ompi_mpi_comm_world"), _float = Export(library, "ompi_mpi_float"),
            _double = Export(library, "ompi_mpi_double"), _longLong = Export(library, "ompi_mpi_long_long_int"),
            _sum = Export(library, "ompi_mpi_op_sum"), _min = Export(library, "ompi_mpi_op_min"), _max = Export(library, "ompi_mpi_op_max");

        private static nint Export(nint library, string name) =>
            NativeLibrary.TryGetExport(library, name, out nint address) ? address
            : throw new MpiUnavailableException($"the Open MPI library does not export '{name}'; it is not an Open MPI 2 – 5 library.");

        public override MpiImplementation Implementation => MpiImplementation.OpenMpi;
        public override int Init() => Native.MPI_Init(0, 0);
        public override int Initialized(out bool initialized) { int rc = Native.MPI_Initialized(out int f); initialized = f != 0; return rc; }
        public override int Finalized(out bool finalized) { int rc = Native.MPI_Finalized(out int f); finalized = f != 0; return rc; }
        public override int Finalize() => Native.MPI_Finalize();
        public override int Rank(out int rank) => Native.MPI_Comm_rank(_commWorld, out rank);
        public override int Size(out int size) => Native.MPI_Comm_size(_commWorld, out size);
        public override int SumInPlace(Span<float> values) => values.IsEmpty ? 0 : Native.MPI_Allreduce(InPlace, ref MemoryMarshal.GetReference(values), values.Length, _float, _sum, _commWorld);
        public override int SumInPlace(Span<double> values) => values.IsEmpty ? 0 : Native.MPI_Allreduce(InPlace, ref MemoryMarshal.GetReference(values), values.Length, _double, _sum, _commWorld);
        public override int MinInPlace(Span<long> values) => values.IsEmpty ? 0 : Native.MPI_Allreduce(InPlace, ref MemoryMarshal.GetReference(values), values.Length, _longLong, _min, _commWorld);
        public override int MaxInPlace(Span<long> values) => values.IsEmpty ? 0 : Native.MPI_Allreduce(InPlace, ref MemoryMarshal.GetReference(values), values.Length, _longLong, _max, _commWorld);
        public override int Abort(int exitCode) => Native.MPI_Abort(_commWorld, exitCode);

        public override string ErrorString(int code)
        {
            var buffer = new byte[256]; // MPI_MAX_ERROR_STRING
            return Native.MPI_Error_string(code, buffer, out int length) == 0 ? Text(buffer, length) : $"error {code}";
        }

        public override string LibraryVersion()
        {
            var buffer = new byte[256]; // MPI_MAX_LIBRARY_VERSION_STRING
            return Native.MPI_Get_library_version(buffer, out int length) == 0 ? Text(buffer, length) : "unknown";
        }

        private static class Native
        {
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Init(nint argc, nint argv);
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Initialized(out int flag);
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Finalized(out int flag);
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Finalize();
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Comm_rank(nint comm, out int rank);
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Comm_size(nint comm, out int size);
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Allreduce(nint sendbuf, ref float recvbuf, int count, nint datatype, nint op, nint comm);
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Allreduce(nint sendbuf, ref double recvbuf, int count, nint datatype, nint op, nint comm);
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Allreduce(nint sendbuf, ref long recvbuf, int count, nint datatype, nint op, nint comm);
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Abort(nint comm, int errorcode);
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Error_string(int errorcode, byte[] text, out int length);
            [DllImport(MpiLibrary.ImportName, ExactSpelling = true)] public static extern int MPI_Get_library_version(byte[] version, out int length);
        }
    }
}
