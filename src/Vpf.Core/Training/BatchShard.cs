namespace Vpf.Core.Training;

/// <summary>
/// Where the rows handed to <see cref="ITrainingObjective.Evaluate(Model.DeepBoltzmannMachine, ReadOnlySpan{float}, int, Model.ParameterSet, ulong, BatchShard)"/>
/// sit in the mini-batch the trainer cut, when several processes share that mini-batch (data-parallel training).
/// An objective that draws random numbers keys them by the row's index in the whole mini-batch, so that a datum gets
/// the same spikes whichever process holds it.
/// </summary>
/// <param name="FirstRow">Index, within the whole mini-batch, of the first row handed over.</param>
/// <param name="GlobalRows">Rows of the whole mini-batch, over every process.</param>
internal readonly record struct BatchShard(int FirstRow, int GlobalRows)
{
    /// <summary>The whole mini-batch of <paramref name="rows"/> rows, held by one process.</summary>
    public static BatchShard Whole(int rows) => new(0, rows);

    /// <summary>
    /// Rank <paramref name="rank"/>'s share of a mini-batch of <paramref name="rows"/> rows split over
    /// <paramref name="size"/> processes: contiguous row ranges, the first rows % size ranks taking one row more.
    /// </summary>
    public static (BatchShard Shard, int Rows) Split(int rows, int rank, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (rank < 0 || rank >= size) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"must be in 0…{size - 1}.");
        int share = rows / size, extra = rows % size;
        int first = rank * share + Math.Min(rank, extra);
        return (new BatchShard(first, rows), share + (rank < extra ? 1 : 0));
    }
}
