using Vpf.Core.Training;

namespace Vpf.Core.Tests.Support;

/// <summary>
/// A data-parallel group of threads in one process, standing in for MPI ranks: each collective call waits for all
/// members, and sums are added in rank order (as a deterministic reduction would), so runs are reproducible.
/// </summary>
internal sealed class InProcessGroup : IDataParallelGroup
{
    private readonly Shared _shared;

    private InProcessGroup(Shared shared, int rank) => (_shared, Rank) = (shared, rank);

    public int Rank { get; }

    public int Size => _shared.Size;

    /// <summary>Runs <paramref name="body"/> once per rank on its own thread and returns the results in rank order.</summary>
    public static T[] Run<T>(int size, Func<InProcessGroup, T> body)
    {
        var shared = new Shared(size);
        var results = new T[size];
        var errors = new Exception?[size];
        var threads = Enumerable.Range(0, size).Select(r => new Thread(() =>
        {
            try { results[r] = body(new InProcessGroup(shared, r)); }
            catch (Exception e) { errors[r] = e; shared.Barrier.RemoveParticipant(); }
        }, 16 << 20)).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromMinutes(2)), "a rank did not finish");
        if (errors.Any(e => e is not null)) throw new AggregateException(errors.Where(e => e is not null)!);
        return results;
    }

    public void Sum(Span<float> values)
    {
        var copy = values.ToArray();
        var all = Exchange(copy);
        for (int i = 0; i < values.Length; i++)
        {
            float s = all[0][i];
            for (int r = 1; r < all.Length; r++) s += all[r][i];
            values[i] = s;
        }
    }

    public void Sum(Span<double> values)
    {
        var all = Exchange(values.ToArray());
        for (int i = 0; i < values.Length; i++)
        {
            double s = all[0][i];
            for (int r = 1; r < all.Length; r++) s += all[r][i];
            values[i] = s;
        }
    }

    public bool[] Agree(ReadOnlySpan<long> values)
    {
        var all = Exchange(values.ToArray());
        return Enumerable.Range(0, values.Length).Select(i => all.All(a => a[i] == all[0][i])).ToArray();
    }

    public int Calls => _shared.Calls;

    private T[][] Exchange<T>(T[] mine)
    {
        _shared.Slots[Rank] = mine;
        _shared.Barrier.SignalAndWait();
        var all = _shared.Slots.Cast<T[]>().ToArray();
        if (Rank == 0) Interlocked.Increment(ref _shared.Calls);
        _shared.Barrier.SignalAndWait();
        return all;
    }

    private sealed class Shared(int size)
    {
        public int Size { get; } = size;
        public object[] Slots { get; } = new object[size];
        public Barrier Barrier { get; } = new(size);
        public int Calls;
    }
}
