using Vpf.Core.Model;

namespace Vpf.Core.Training;

/// <summary>
/// The exchange after each mini-batch of data-parallel training: every process turns its mean gradient over its own
/// rows into a sum, the processes add their sums (one allreduce of all parameters, one of the scalars) and divide by
/// the rows of the whole batch, so every process ends with the gradient one process would compute for the whole batch
/// (up to the order of the floating-point additions) and takes the same optimiser step.
/// </summary>
internal sealed class DataParallelReduction(IDataParallelGroup group, Architecture architecture)
{
    private readonly float[] _flat = new float[CountOf(architecture)];
    private readonly double[] _scalars = new double[3];

    /// <summary>The group the sums run over.</summary>
    public IDataParallelGroup Group { get; } = group;

    /// <summary>
    /// Replaces <paramref name="gradient"/> (a mean over <paramref name="localRows"/> rows) by the mean over all
    /// <paramref name="globalRows"/> rows of the batch, and returns the batch's objective (mean), total clamps and whether any
    /// process asked to stop.
    /// </summary>
    public (ObjectiveValue Evaluation, bool Stop) Sum(ObjectiveValue local, ParameterSet gradient, int localRows, int globalRows, bool stopRequested)
    {
        _scalars[0] = local.Value * localRows;
        _scalars[1] = local.ClampCount;
        _scalars[2] = stopRequested ? 1 : 0;
        if (Group.Size == 1)
            return (local, stopRequested); // the sum over one process is the identity; skip the rescaling rounding too
        float toSum = localRows;
        int offset = 0;
        foreach (var t in gradient.Tensors)
        {
            var target = _flat.AsSpan(offset, t.Length);
            for (int i = 0; i < t.Length; i++) target[i] = t[i] * toSum;
            offset += t.Length;
        }
        Group.Sum(_flat);
        Group.Sum(_scalars);
        float rows = globalRows;
        offset = 0;
        foreach (var t in gradient.Tensors)
        {
            var source = _flat.AsSpan(offset, t.Length);
            for (int i = 0; i < t.Length; i++) t[i] = source[i] / rows;
            offset += t.Length;
        }
        return (new ObjectiveValue(_scalars[0] / globalRows, (long)_scalars[1]), _scalars[2] > 0);
    }

    private static int CountOf(Architecture architecture) => new ParameterSet(architecture).Tensors.Sum(t => t.Length);
}
