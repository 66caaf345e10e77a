using System.Reflection;
using System.Runtime.InteropServices;

namespace Vpf.Distributed;

/// <summary>
/// Finds and loads the MPI shared library at run time. Order: the file named by <c>VPF_MPI_LIBRARY</c>; else the
/// family the launcher announces (Open MPI's <c>mpiexec</c> sets <c>OMPI_COMM_WORLD_SIZE</c>, MPICH's Hydra sets
/// <c>PMI_SIZE</c>) first; else MPICH's sonames, then Open MPI's. The ABI is told by the library itself: an Open MPI
/// library exports <c>ompi_mpi_comm_world</c>.
/// </summary>
internal static class MpiLibrary
{
    /// <summary>The environment variable that names the library file to load instead of searching.</summary>
    public const string OverrideVariable = "VPF_MPI_LIBRARY";

    /// <summary>The name the bindings' DllImport attributes use; resolved to the loaded library.</summary>
    public const string ImportName = "vpf-mpi";

    internal static readonly string[] MpichNames = ["libmpich.so.12", "libmpi.so.12"];
    internal static readonly string[] OpenMpiNames = ["libmpi.so.40"];

    private static readonly Lock Gate = new();
    private static nint _handle;
    private static string? _loadedFrom;

    /// <summary>Loads the library once per process and returns its handle, ABI and file name.</summary>
    public static (nint Handle, MpiImplementation Implementation, string Name) Load()
    {
        lock (Gate)
        {
            if (_handle == 0)
            {
                var tried = new List<string>();
                foreach (string name in Candidates())
                {
                    if (TryLoad(name, out nint handle, out string? error))
                    {
                        (_handle, _loadedFrom) = (handle, name);
                        NativeLibrary.SetDllImportResolver(typeof(MpiLibrary).Assembly, Resolve);
                        break;
                    }
                    tried.Add($"{name} ({error})");
                }
                if (_handle == 0)
                    throw new MpiUnavailableException(
                        $"no MPI library could be loaded; tried {string.Join(", ", tried)}. Install MPICH (apt-get install mpich) " +
                        $"or Open MPI (apt-get install openmpi-bin), or set {OverrideVariable} to the path of libmpi.so / libmpich.so.");
            }
            var kind = NativeLibrary.TryGetExport(_handle, "ompi_mpi_comm_world", out _) ? MpiImplementation.OpenMpi : MpiImplementation.Mpich;
            return (_handle, kind, _loadedFrom!);
        }
    }

    /// <summary>The library names to try, in order, for this process's environment.</summary>
    internal static IEnumerable<string> Candidates(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (environment(OverrideVariable) is { Length: > 0 } path) return [path];
        bool openMpiLauncher = environment("OMPI_COMM_WORLD_SIZE") is not null;
        return openMpiLauncher ? [.. OpenMpiNames, .. MpichNames] : [.. MpichNames, .. OpenMpiNames];
    }

    // Open MPI loads its components (plugins) with dlopen and they expect libmpi's symbols to be global, as when a C
    // program links libmpi; NativeLibrary.Load uses RTLD_LOCAL, so on Linux the library is opened with RTLD_GLOBAL.
    private static bool TryLoad(string name, out nint handle, out string? error)
    {
        error = null;
        if (OperatingSystem.IsLinux())
        {
            try
            {
                handle = Dl.Open(name, Dl.Now | Dl.Global);
                if (handle != 0) return true;
                error = Marshal.PtrToStringUTF8(Dl.Error()) ?? "not found";
                return false;
            }
            catch (DllNotFoundException) { } // no glibc: fall through to the runtime's loader
            catch (EntryPointNotFoundException) { }
        }
        if (NativeLibrary.TryLoad(name, out handle)) return true;
        error ??= "not found";
        return false;
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == ImportName ? _handle : 0;

    private static class Dl
    {
        public const int Now = 2, Global = 0x100;

        [DllImport("libc.so.6", EntryPoint = "dlopen")]
        public static extern nint Open([MarshalAs(UnmanagedType.LPUTF8Str)] string file, int mode);

        [DllImport("libc.so.6", EntryPoint = "dlerror")]
        public static extern nint Error();
    }
}
