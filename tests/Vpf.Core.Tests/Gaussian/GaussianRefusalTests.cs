using Vpf.Core.Data;
using Vpf.Core.Evaluation.Report;
using Vpf.Core.Model;
using Vpf.Core.Reconstruction;
using Vpf.Core.Training;

namespace Vpf.Core.Tests.Gaussian;

/// <summary>Every part that does not support Gaussian visible units yet refuses them with option "Architecture", naming itself.</summary>
public class GaussianRefusalTests
{
    private static readonly DeepBoltzmannMachine Rbm = GaussianModels.Random("3-2", seed: 131);
    private static readonly DeepBoltzmannMachine Dbm = GaussianModels.Random("3-2-2", seed: 132);
    private static readonly BinaryDataset Data = BinaryDataset.FromBinaryRows(new float[,] { { 1, 0, 1 }, { 0, 1, 1 } });

    public static TheoryData<string, string> Cases =>
        new()
        {
            { "mpf", "MPF" },
            { "dbm-pcd", "DBM persistent contrastive divergence" },
            { "pretraining", "GreedyPretraining.Pretrain" },
            { "cd with scaled inputs", "contrastive divergence with scaled inputs" },
        };

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_unsupported_part_refuses_Gaussian_visible_units_naming_itself(string part, string named)
    {
        Action act = part switch
        {
            "mpf" => () => new MpfMethod().Validate(new Architecture([3], null, VisibleUnitKind.Gaussian)),
            "dbm-pcd" => () => new DbmPcdMethod().Validate(Dbm.Architecture),
            "pretraining" => () => GreedyPretraining.Pretrain(Dbm, Data),
            "cd with scaled inputs" => () => new ContrastiveDivergence(new ContrastiveDivergenceOptions { VisibleInputScale = 2f }).Validate(Rbm.Architecture),
            _ => throw new ArgumentException(part),
        };
        var error = Assert.Throws<InvalidOptionsException>(act);
        Assert.Equal("Architecture", error.Option);
        Assert.Contains(named, error.Message);
        Assert.Contains("Gaussian visible units", error.Message);
    }
}
