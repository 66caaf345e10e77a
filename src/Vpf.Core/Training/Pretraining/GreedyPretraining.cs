using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Training;

/// <summary>The RBMs a greedy pretraining trained, bottom first, and their training histories.</summary>
/// <param name="Rbms">RBM l joins layers l and l + 1 of the DBM, with the weights it was trained with (before any halving).</param>
/// <param name="History">Per RBM, one summary per epoch.</param>
public sealed record PretrainingResult(IReadOnlyList<DeepBoltzmannMachine> Rbms, IReadOnlyList<IReadOnlyList<EpochSummary>> History);

/// <summary>
/// Greedy layer-wise pretraining of a DBM by a stack of RBMs, each trained through <see cref="MiniBatchTrainer"/> on the
/// layer below's hidden activity, the weights then copied into the DBM — so that VPF (or DBM-PCD) can start from it
/// and be compared with a random start.
/// </summary>
/// <remarks>
/// <para>
/// <b>Inputs of the next RBM.</b> RBM l + 1 is trained on one binary sample per datum of RBM l's hidden
/// probabilities (drawn once, with <see cref="PretrainingOptions.Seed"/>), because <see cref="BinaryDataset"/> holds
/// bits; the probabilities include the doubled input when RBM l was trained with it.
/// </para>
/// <para>
/// <b>Doubling correction</b> (Salakhutdinov &amp; Hinton, "Deep Boltzmann Machines", AISTATS 2009, §3.1; and
/// "An Efficient Learning Procedure for Deep Boltzmann Machines", Neural Computation 24(8), 2012). In the DBM an
/// intermediate hidden layer receives input from the layer below and the layer above, but in the stack each RBM gave it
/// the whole input from one side; to avoid counting the evidence twice, each intermediate layer must receive half of
/// each neighbour's trained input. With at least two hidden layers and <see cref="PretrainingOptions.DoublingCorrection"/>:
/// with contrastive divergence, the bottom RBM is trained with its hidden input doubled (σ(c + 2vW), visible
/// reconstruction σ(b + hWᵀ)), the top RBM with its visible input doubled (σ(b + 2hWᵀ)), so their W already are the
/// halves and are copied as they are; middle RBMs (three or more hidden layers) are plain and their weights are halved.
/// MPF-RBM can only train plain RBMs, so with it every weight matrix (all of them touch an intermediate layer) is halved.
/// The bias of an intermediate layer is the mean of the hidden bias of the RBM below and the visible bias of the RBM
/// above; the visible and top biases are copied. With one hidden layer the DBM is the RBM.
/// </para>
/// </remarks>
internal static class GreedyPretraining
{
    private const int SampleChunkRows = 256;

    /// <summary>
    /// Pretrains <paramref name="dbm"/> (no lateral weights) in place on <paramref name="data"/>: its weights and biases
    /// are overwritten. <paramref name="progress"/> hears every batch of RBM 0, then of RBM 1, …; epochs restart at 1
    /// for each RBM.
    /// </summary>
    /// <exception cref="InvalidOptionsException">A fully visible or laterally connected architecture, mismatched or empty data, or bad options.</exception>
    public static PretrainingResult Pretrain(DeepBoltzmannMachine dbm, Dataset data, PretrainingOptions? options = null,
        Action<TrainingProgress>? progress = null)
    {
        options ??= new PretrainingOptions();
        options.Validate();
        var architecture = dbm.Architecture;
        GaussianVisible.Refuse(architecture, "GreedyPretraining.Pretrain");
        if (architecture.LayerCount < 2)
            throw new InvalidOptionsException("layers", $"greedy pretraining needs at least one hidden layer; {architecture} is fully visible.");
        if (architecture.HasLateral.Any(x => x))
            throw new InvalidOptionsException("layers", $"greedy pretraining stacks RBMs and cannot initialise lateral weights; got {architecture}.");
        if (data.Dimension != dbm.LayerSize(0))
            throw new InvalidOptionsException("data", $"rows have {data.Dimension} values but the model has {dbm.LayerSize(0)} visible units.");
        if (data.Count == 0)
            throw new InvalidOptionsException("data", "the training set is empty.");

        int hiddenLayers = dbm.LayerCount - 1;
        bool cd = options.Method == PretrainingMethod.ContrastiveDivergence;
        bool doubling = options.DoublingCorrection && hiddenLayers >= 2;
        var rbms = new List<DeepBoltzmannMachine>(hiddenLayers);
        var history = new List<IReadOnlyList<EpochSummary>>(hiddenLayers);
        var input = data;
        for (int l = 0; l < hiddenLayers; l++)
        {
            var rbm = DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(dbm.LayerSize(l), dbm.LayerSize(l + 1)),
                unchecked(options.Seed + 7919 * l), options.InitialWeightScale);
            if (options.VisibleBiasesFromData) rbm.SetVisibleBiasesFromMarginals(input.ColumnMeans());
            float up = doubling && cd && l == 0 ? 2f : 1f;
            float down = doubling && cd && l == hiddenLayers - 1 ? 2f : 1f;
            ITrainingObjective objective = cd
                ? new ContrastiveDivergence(options.ContrastiveDivergence with { HiddenInputScale = up, VisibleInputScale = down })
                : new MpfRbm();
            var trainer = new MiniBatchTrainer(objective, options.Training with { Seed = unchecked(options.Training.Seed + l) });
            history.Add(trainer.Train(rbm, input, progress));
            rbms.Add(rbm);
            if (l + 1 < hiddenLayers) input = HiddenSamples(rbm, input, up, CounterRandom.StreamKey((ulong)(uint)options.Seed, 0x4752_4545ul, (ulong)l));
        }

        for (int l = 0; l < hiddenLayers; l++)
        {
            bool trainedDoubled = cd && (l == 0 || l == hiddenLayers - 1);
            float scale = doubling && !trainedDoubled ? 0.5f : 1f;
            var source = rbms[l].Weights(0);
            var target = dbm.Weights(l);
            for (int i = 0; i < target.Length; i++) target[i] = scale * source[i];
        }
        rbms[0].Biases(0).CopyTo(dbm.Biases(0), 0);
        rbms[^1].Biases(1).CopyTo(dbm.Biases(hiddenLayers), 0);
        for (int l = 1; l < hiddenLayers; l++)
        {
            var below = rbms[l - 1].Biases(1);
            var above = rbms[l].Biases(0);
            var target = dbm.Biases(l);
            for (int i = 0; i < target.Length; i++) target[i] = 0.5f * (below[i] + above[i]);
        }
        return new PretrainingResult(rbms, history);
    }

    /// <summary>One Bernoulli sample per row of the hidden probabilities σ(c + s·xW) of <paramref name="rbm"/>.</summary>
    private static BinaryDataset HiddenSamples(DeepBoltzmannMachine rbm, Dataset input, float scale, ulong key)
    {
        int nv = rbm.LayerSize(0), nh = rbm.LayerSize(1);
        var bits = new bool[input.Count, nh];
        var rows = new float[SampleChunkRows * nv];
        var hidden = new float[SampleChunkRows * nh];
        var indices = new int[SampleChunkRows];
        for (int start = 0, chunk = 0; start < input.Count; start += SampleChunkRows, chunk++)
        {
            int count = Math.Min(SampleChunkRows, input.Count - start);
            for (int i = 0; i < count; i++) indices[i] = start + i;
            input.CopyRows(indices.AsSpan(0, count), rows);
            var h = hidden.AsSpan(0, count * nh);
            LayerConditional.SampleFromNeighbours(rbm, 1, rows.AsSpan(0, count * nv), default, h, count, scale, CounterRandom.StreamKey(key, (ulong)chunk));
            for (int r = 0; r < count; r++)
                for (int j = 0; j < nh; j++) bits[start + r, j] = h[r * nh + j] != 0f;
        }
        return BinaryDataset.FromBits(bits);
    }
}
