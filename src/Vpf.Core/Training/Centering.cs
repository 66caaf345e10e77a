using Vpf.Core.Data;
using Vpf.Core.Model;

namespace Vpf.Core.Training;

/// <summary>
/// The offsets of a centered training run and the two transforms the trainer applies around its optimiser
/// (vpf-math.md §8): the objective's gradient is turned into the gradient in centered coordinates before the step, and
/// the stored biases are compensated after it, so that the model always holds the uncentered equivalent b̃.
/// </summary>
internal sealed class Centering
{
    private readonly float[][] _offsets;
    private readonly float[] _scratch;

    /// <summary>Creates the state from explicit offsets (one vector per layer, copied) and a hidden offset rate ν.</summary>
    public Centering(IReadOnlyList<float[]> offsets, float hiddenOffsetRate)
    {
        if (offsets.Count == 0) throw new ArgumentException("Need one offset vector per layer.", nameof(offsets));
        if (!(hiddenOffsetRate >= 0 && hiddenOffsetRate <= 1))
            throw new InvalidOptionsException(nameof(CenteringOptions.HiddenOffsetRate), $"must be in [0, 1]; got {hiddenOffsetRate}.");
        _offsets = offsets.Select(a => a.ToArray()).ToArray();
        HiddenOffsetRate = hiddenOffsetRate;
        _scratch = new float[_offsets.Max(a => a.Length)];
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

    /// <summary>Gradient of the stored parameters → gradient of the centered ones, in place.</summary>
    public void CenterGradient(ParameterSet gradient) => CenteredCoordinates.CenterGradient(gradient, _offsets);

    /// <summary>Restores b̃ after a step that moved W, L from <paramref name="before"/> (see <see cref="CenteredCoordinates.CompensateStep"/>).</summary>
    public void CompensateStep(ParameterSet parameters, ParameterSet before) => CenteredCoordinates.CompensateStep(parameters, before, _offsets);

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
