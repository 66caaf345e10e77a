using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Vpf.Core.Training;

namespace Vpf.Distributed;

/// <summary>
/// MPI_COMM_WORLD as a <see cref="IDataParallelGroup"/> for the group parameter of <see cref="TrainingPlan"/>.Run: the processes started
/// by <c>mpiexec</c>. Loads the MPI library only when <see cref="Start"/> is called, so a program that never starts
/// one never touches MPI. One per process; dispose it (MPI_Finalize) when training is over.
/// </summary>
/// <remarks>
/// MPI's default error handler is kept: an error inside MPI (a peer that died, a broken link) ends the whole job
/// rather than returning. What MPI cannot see — a peer that hangs, that never reaches the same call, or that never
/// calls MPI_Init — is bounded by the time-out given to <see cref="Start"/>: a process that has waited that long in
/// MPI_Init or in one collective call writes which call to standard error and exits with <see cref="TimeoutExitCode"/>,
/// and the launcher then ends the others.
/// </remarks>
public sealed class MpiCommunicator : IDataParallelGroup, IDisposable
{
    /// <summary>Exit code of a process that gave up waiting for the others (as the <c>timeout</c> command's).</summary>
    public const int TimeoutExitCode = 124;

    private readonly MpiBindings _mpi;
    private readonly Timer? _watchdog;
    private readonly Stopwatch _inCalls = new();
    private long _callStarted = -1;
    private string _call = "";
    private bool _finalized;

    private MpiCommunicator(MpiBindings mpi, string library, TimeSpan timeout)
    {
        _mpi = mpi;
        Library = library;
        Timeout = timeout;
        Check(_mpi.Rank(out int rank), "MPI_Comm_rank");
        Check(_mpi.Size(out int size), "MPI_Comm_size");
        (Rank, Size) = (rank, size);
        if (timeout > TimeSpan.Zero)
            _watchdog = new Timer(_ => Watch(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>
    /// Loads MPI, initialises it (unless the process already did) and returns MPI_COMM_WORLD.
    /// </summary>
    /// <param name="timeout">Longest wait inside one collective call before this process gives up; zero or negative: wait forever.</param>
    /// <exception cref="MpiUnavailableException">No MPI library could be loaded (the message lists what was tried).</exception>
    /// <exception cref="MpiCallException">MPI_Init failed.</exception>
    public static MpiCommunicator Start(TimeSpan timeout)
    {
        var (handle, implementation, name) = MpiLibrary.Load();
        var mpi = MpiBindings.For(handle, implementation);
        Check(mpi.Initialized(out bool initialized), "MPI_Initialized", mpi);
        if (!initialized)
        {
            // MPI_Init waits for every process of the job; one that never calls it (another program, a crash before
            // it) would leave this one waiting forever.
            using var watchdog = timeout > TimeSpan.Zero ? new Timer(_ => GiveUp("this process (its rank is known only once MPI_Init returns)", timeout, "MPI_Init"), null, timeout, System.Threading.Timeout.InfiniteTimeSpan) : null;
            Check(mpi.Init(), "MPI_Init", mpi);
        }
        return new MpiCommunicator(mpi, name, timeout);
    }

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int Size { get; }

    /// <summary>Which ABI the loaded library has.</summary>
    public MpiImplementation Implementation => _mpi.Implementation;

    /// <summary>The library file that was loaded.</summary>
    public string Library { get; }

    /// <summary>MPI's own description of itself (MPI_Get_library_version).</summary>
    public string LibraryVersion => _mpi.LibraryVersion();

    /// <summary>Longest wait inside one collective call; zero: no limit.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Time spent inside collective calls so far (transfer plus waiting for slower processes).</summary>
    public TimeSpan CommunicationTime => _inCalls.Elapsed;

    /// <summary>Collective calls made so far.</summary>
    public long Calls { get; private set; }

    /// <inheritdoc />
    public void Sum(Span<float> values)
    {
        Enter("MPI_Allreduce(sum of floats)");
        Leave(_mpi.SumInPlace(values));
    }

    /// <inheritdoc />
    public void Sum(Span<double> values)
    {
        Enter("MPI_Allreduce(sum of doubles)");
        Leave(_mpi.SumInPlace(values));
    }

    /// <inheritdoc />
    public bool[] Agree(ReadOnlySpan<long> values)
    {
        long[] min = values.ToArray(), max = values.ToArray();
        Enter("MPI_Allreduce(min)");
        int rc = _mpi.MinInPlace(min);
        Leave(rc);
        Enter("MPI_Allreduce(max)");
        rc = _mpi.MaxInPlace(max);
        Leave(rc);
        return min.Zip(max, (a, b) => a == b).ToArray();
    }

    /// <summary>Ends every process of the job with <paramref name="exitCode"/> (MPI_Abort); for errors only this process saw.</summary>
    public void Abort(int exitCode)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        _mpi.Abort(exitCode);
        Environment.Exit(exitCode); // MPI_Abort should not return; if it does, do not leave the others waiting on us
    }

    /// <summary>MPI_Finalize (collective: every process calls it once, after its last collective call).</summary>
    public void Dispose()
    {
        _watchdog?.Dispose();
        if (_finalized) return;
        _finalized = true;
        Check(_mpi.Finalized(out bool done), "MPI_Finalized");
        if (!done) Check(_mpi.Finalize(), "MPI_Finalize");
    }

    private void Enter(string call)
    {
        ObjectDisposedException.ThrowIf(_finalized, this);
        _call = call;
        _inCalls.Start();
        Interlocked.Exchange(ref _callStarted, Stopwatch.GetTimestamp());
    }

    private void Leave(int rc)
    {
        Interlocked.Exchange(ref _callStarted, -1);
        _inCalls.Stop();
        Calls++;
        Check(rc, _call);
    }

    private void Watch()
    {
        long started = Interlocked.Read(ref _callStarted);
        if (started < 0 || Stopwatch.GetElapsedTime(started) < Timeout) return;
        GiveUp(string.Create(CultureInfo.InvariantCulture, $"process {Rank} of {Size}"), Timeout, _call);
    }

    private static void GiveUp(string who, TimeSpan timeout, string call)
    {
        Console.Error.WriteLine($"error: {who} waited {timeout.TotalSeconds:F0} s in {call} for the other processes; " +
                                "one of them has died, hangs, was not started as the same 'vpf train --distributed' or runs other options. " +
                                "Stopping this process (--distributed-timeout sets the limit).");
        Console.Error.Flush();
        Exit(TimeoutExitCode);
    }

    // _exit: the main thread is inside MPI and may hold its locks, so no managed shutdown, no atexit handlers.
    private static void Exit(int code)
    {
        if (OperatingSystem.IsLinux()) LibC.Exit(code);
        Environment.Exit(code);
    }

    private void Check(int rc, string call) => Check(rc, call, _mpi);

    private static void Check(int rc, string call, MpiBindings mpi)
    {
        if (rc != 0) throw new MpiCallException(call, rc, mpi.ErrorString(rc));
    }

    private static class LibC
    {
        [DllImport("libc.so.6", EntryPoint = "_exit")]
        public static extern void Exit(int status);
    }
}
