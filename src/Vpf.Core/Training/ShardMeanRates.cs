namespace Vpf.Core.Training;

/// <summary>
/// The batch-mean rates of a whole mini-batch in data-parallel training: each process holds the rates of its shard,
/// and the hidden offsets of centering must follow the mean over every shard, or the processes' models drift apart.
/// Every process calls it for the same layers in the same order (one allreduce each), also with an empty shard.
/// </summary>
internal sealed class ShardMeanRates(IMeanRateSource local, IDataParallelGroup group, int localRows, int globalRows) : IMeanRateSource
{
    public bool TryGetMeanRates(int layer, Span<float> mean)
    {
        if (localRows == 0 || !local.TryGetMeanRates(layer, mean)) mean.Clear();
        float share = localRows;
        for (int k = 0; k < mean.Length; k++) mean[k] *= share;
        group.Sum(mean);
        float scale = 1f / globalRows;
        for (int k = 0; k < mean.Length; k++) mean[k] *= scale;
        return true;
    }
}
