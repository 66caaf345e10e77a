using Vpf.Core.Model;
using Vpf.Core.Tests.Support;

namespace Vpf.Core.Tests.Gaussian;

/// <summary>Small machines with Gaussian visible units and real-valued states for oracle tests.</summary>
internal static class GaussianModels
{
    /// <summary>Architectures with Gaussian visible units: an RBM, a DBM, and lateral weights in a hidden layer.</summary>
    public static TheoryData<string> Names => ["3-2", "2-3-2", "2-3L-2"];

    /// <summary>A random model (as <see cref="TinyModels.Random"/>) whose visible units are Gaussian.</summary>
    public static DeepBoltzmannMachine Random(string name, int seed, double scale = 0.7)
    {
        var binary = TinyModels.Random(TinyModels.Parse(name), seed, scale);
        var model = new DeepBoltzmannMachine(binary.Architecture.WithVisibleUnits(VisibleUnitKind.Gaussian));
        var from = binary.Parameters.Tensors.ToList();
        var to = model.Parameters.Tensors.ToList();
        for (int t = 0; t < from.Count; t++) from[t].CopyTo(to[t], 0);
        return model;
    }

    /// <summary>Per layer rows × n_l states: layer 0 real (N(0, 1.5²)), hidden layers 0/1 or rates in (0, 1).</summary>
    public static float[][] RandomStates(DeepBoltzmannMachine model, int rows, int seed, bool binary)
    {
        var states = TinyModels.RandomStates(model, rows, seed, binary);
        var rng = new Random(seed + 1);
        for (int i = 0; i < states[0].Length; i++) states[0][i] = (float)(1.5 * TinyModels.Normal(rng));
        return states;
    }
}
