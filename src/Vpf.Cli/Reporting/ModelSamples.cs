using Vpf.Core.Model;
using Vpf.Core.Sampling;

namespace Vpf.Cli.Reporting;

/// <summary>
/// Samples for pictures: independent <see cref="GibbsSampler"/> chains from random states (layers with lateral weights
/// updated unit by unit), returning the visible firing probabilities of the last sweep — what a sample "looks like".
/// </summary>
internal static class ModelSamples
{
    public static float[] Draw(DeepBoltzmannMachine model, int chains, int sweeps, int seed, Action<int>? progress = null)
    {
        var sampler = new GibbsSampler(model, chains, (ulong)(uint)seed);
        sampler.InitialiseRandom();
        for (int s = 0; s < sweeps; s++)
        {
            sampler.Step();
            progress?.Invoke(s + 1);
        }
        return sampler.VisibleProbabilities.ToArray();
    }
}
