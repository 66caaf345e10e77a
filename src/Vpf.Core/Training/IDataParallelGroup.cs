namespace Vpf.Core.Training;

/// <summary>
/// The processes that train one model together by synchronous data parallelism (an MPI communicator, for instance).
/// Every call is collective: every process of the group makes the same calls in the same order, and each returns
/// only when all have made it.
/// </summary>
public interface IDataParallelGroup
{
    /// <summary>This process's index, 0 … <see cref="Size"/> − 1; process 0 writes files and progress.</summary>
    int Rank { get; }

    /// <summary>Number of processes.</summary>
    int Size { get; }

    /// <summary>Replaces every value by its sum over the processes (an allreduce).</summary>
    void Sum(Span<float> values);

    /// <summary>Replaces every value by its sum over the processes (an allreduce).</summary>
    void Sum(Span<double> values);

    /// <summary>For each value, whether every process passed the same one (used to compare fingerprints).</summary>
    bool[] Agree(ReadOnlySpan<long> values);
}
