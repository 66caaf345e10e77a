using Vpf.Core.Inference;
using Vpf.Core.Tests.Support;

namespace Vpf.Core.Tests.Inference;

public class MeanFieldSweepTests
{
    [Theory]
    [InlineData("6-5-4")]
    [InlineData("6-5L-4L")]
    [InlineData("7-5-4-3")]
    [InlineData("6-5L")]
    public void Keeping_the_clamped_visible_input_gives_exactly_the_same_rates(string architecture)
    {
        var model = TinyModels.Random(TinyModels.Parse(architecture), seed: 91);
        const int rows = 5;
        var plain = TinyModels.RandomStates(model, rows, seed: 92, binary: true);
        var cached = plain.Select(a => (float[])a.Clone()).ToArray();
        MeanFieldSweep.Run(model, plain, rows, sweeps: 7, damping: 0.5f, input: new float[rows * 8]);
        MeanFieldSweep.Run(model, cached, rows, sweeps: 7, damping: 0.5f, input: new float[rows * 8], visibleInput: new float[rows * 5]);
        for (int l = 0; l < model.LayerCount; l++) Assert.Equal(plain[l], cached[l]);
        Assert.Equal(plain, MeanFieldSweep.Infer(model, plain[0], rows, sweeps: 7));
    }

    [Fact]
    public void An_rbm_posterior_is_exact_after_the_bottom_up_pass()
    {
        var model = TinyModels.Random(TinyModels.Parse("5-3"), seed: 93);
        var v = TinyModels.RandomStates(model, 2, seed: 94, binary: true)[0];
        var rates = MeanFieldSweep.Infer(model, v, 2, sweeps: 0);
        for (int r = 0; r < 2; r++)
            for (int j = 0; j < 3; j++)
            {
                double u = model.Biases(1)[j];
                for (int k = 0; k < 5; k++) u += v[r * 5 + k] * model.Weights(0)[k * 3 + j];
                Assert.Equal(1 / (1 + Math.Exp(-u)), rates[1][r * 3 + j], 1e-6);
            }
        Assert.Equal(rates[1], MeanFieldSweep.Infer(model, v, 2, sweeps: 20)[1]);
    }
}
