using Vpf.Core.Data;
using Vpf.Core.Evaluation;
using Vpf.Core.Model;

namespace Vpf.Core.Tests.Support;

/// <summary>
/// A learning task with a known answer: exact samples of a 10-4 teacher RBM, a 10-6 student to train on them, and the
/// exact test log-likelihood of any model by enumeration.
/// </summary>
internal sealed class KnownRbmTask
{
    public DeepBoltzmannMachine Teacher { get; } = TinyModels.Random(Architecture.Rbm(10, 4), seed: 81, scale: 1.5);
    public BinaryDataset Train { get; }
    public float[][] Test { get; }
    public DeepBoltzmannMachine Student { get; } = DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(10, 6), seed: 84);

    public KnownRbmTask()
    {
        Train = SyntheticData.SampleRbm(Teacher, 600, seed: 82);
        Test = SyntheticData.Rows(SyntheticData.SampleRbm(Teacher, 400, seed: 83));
    }

    /// <summary>Exact mean test log-likelihood of <paramref name="model"/>.</summary>
    public double LogLikelihood(DeepBoltzmannMachine model) =>
        ExactLikelihood.MeanLogLikelihood(model, Test, ExactLikelihood.LogPartition(model));
}
