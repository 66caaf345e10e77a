using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Training;

/// <summary>
/// The offsets of a centered training run and the optimiser step it takes in centered coordinates (vpf-math.md §8): the
/// objective's gradient is turned into the gradient in centered coordinates during the step, and the stored biases are
/// compensated after it, so that the model always holds the uncentered equivalent b̃.
/// </summary>
internal sealed class Centering
{
    private readonly float[][] _offsets;
    private readonly float[] _scratch;
    private readonly CenteredStep _step;

    /// <summary>Creates the state from explicit offsets (one vector per layer, copied) and a hidden offset rate ν.</summary>
    public Centering(IReadOnlyList<float[]> offsets, float hiddenOffsetRate)
    {
        if (offsets.Count == 0) throw new ArgumentException("Need one offset vector per layer.", nameof(offsets));
        if (!(hiddenOffsetRate >= 0 && hiddenOffsetRate <= 1))
            throw new InvalidOptionsException(nameof(CenteringOptions.HiddenOffsetRate), $"must be in [0, 1]; got {hiddenOffsetRate}.");
        _offsets = offsets.Select(a => a.ToArray()).ToArray();
        HiddenOffsetRate = hiddenOffsetRate;
        _scratch = new float[_offsets.Max(a => a.Length)];
        _step = new CenteredStep(_offsets);
    }

    /// <summary>
    /// The offsets a fresh run starts with: a_0 the mean of <paramref name="data"/> (fixed for the run), every hidden
    /// offset <see cref="CenteringOptions.InitialHiddenOffset"/>.
    /// </summary>
    public static Centering Start(Architecture architecture, Dataset data, CenteringOptions options)
    {
        options.Validate();
        var offsets = new float[architecture.LayerCount][];
        offsets[0] = data.ColumnMeans().Select(m => (float)m).ToArray();
        for (int l = 1; l < offsets.Length; l++)
        {
            offsets[l] = new float[architecture.LayerSizes[l]];
            Array.Fill(offsets[l], options.InitialHiddenOffset);
        }
        return new Centering(offsets, options.HiddenOffsetRate);
    }

    /// <summary>Offsets a_l, one vector per layer (live; do not modify).</summary>
    public IReadOnlyList<float[]> Offsets => _offsets;

    /// <summary>ν of the hidden offsets' running mean.</summary>
    public float HiddenOffsetRate { get; }

    /// <summary>A copy of the offsets, for checkpoints.</summary>
    public float[][] ExportOffsets() => _offsets.Select(a => a.ToArray()).ToArray();

    /// <summary>Moves the hidden offsets towards the batch-mean rates <paramref name="source"/> reports: a ← (1 − ν) a + ν · mean μ.</summary>
    public void FollowRates(IMeanRateSource source)
    {
        if (HiddenOffsetRate == 0) return;
        float nu = HiddenOffsetRate, keep = 1 - nu;
        for (int l = 1; l < _offsets.Length; l++)
        {
            var a = _offsets[l];
            var mean = _scratch.AsSpan(0, a.Length);
            if (!source.TryGetMeanRates(l, mean)) return;
            for (int k = 0; k < a.Length; k++) a[k] = keep * a[k] + nu * mean[k];
        }
    }

    /// <summary>
    /// One step of <paramref name="optimiser"/> in centered coordinates on the stored <paramref name="parameters"/>, from
    /// <paramref name="gradient"/>, the objective's gradient of the stored ones: the weights' gradients are centered in the
    /// optimiser's one pass over each matrix, which also sums the step's bias shifts; the laterals' are centered here, in
    /// place; then b̃ is compensated (<see cref="CenteredCoordinates.ApplyStepShifts"/>). <paramref name="before"/> holds the
    /// parameters before the step (its laterals are read).
    /// </summary>
    public void Step(IOptimiser optimiser, ParameterSet parameters, ParameterSet gradient, ParameterSet before, double stepFactor = 1)
    {
        CenteredCoordinates.CenterLateralGradients(gradient, _offsets);
        optimiser.Step(parameters, gradient, stepFactor, _step);
        CenteredCoordinates.ApplyStepShifts(parameters, before, _offsets, _step);
    }

    /// <summary>Throws <see cref="InvalidOptionsException"/> unless the offsets fit <paramref name="architecture"/>.</summary>
    public void Validate(Architecture architecture)
    {
        if (_offsets.Length != architecture.LayerCount)
            throw new InvalidOptionsException("offsets", $"{_offsets.Length} offset vectors for {architecture}, which has {architecture.LayerCount} layers.");
        for (int l = 0; l < _offsets.Length; l++)
        {
            if (_offsets[l].Length != architecture.LayerSizes[l])
                throw new InvalidOptionsException("offsets", $"layer {l} has {architecture.LayerSizes[l]} units but {_offsets[l].Length} offsets.");
            foreach (var a in _offsets[l])
                if (!float.IsFinite(a)) throw new InvalidOptionsException("offsets", $"layer {l} has a non-finite offset {a}.");
        }
    }
}
