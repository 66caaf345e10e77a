using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Reconstruction;
using Vpf.Core.Tests.Support;

namespace Vpf.Core.Tests.Reconstruction;

public class ReconstructionEvaluationTests
{
    [Fact]
    public void Evaluation_reports_three_predictors_per_corruption_independently_of_the_batch_size()
    {
        var all = SyntheticData.Prototypes(120, 36, 3, 0.05, seed: 1);
        var values = SyntheticData.Block(all);
        var train = BinaryDataset.FromBinaryRows(values.AsSpan(0, 80 * 36), 80, 36, imageRows: 6, imageColumns: 6);
        var test = BinaryDataset.FromBinaryRows(values.AsSpan(80 * 36), 40, 36, imageRows: 6, imageColumns: 6);
        var model = TinyModels.Random(Architecture.Rbm(36, 6), seed: 2, scale: 0.3);
        Corruption[] corruptions = [Corruption.FlipPixels(0.1), Corruption.HideBottomHalf(test), Corruption.HideRandomSquare(test, 3)];
        var reports = ReconstructionEvaluation.Evaluate(model, train, test, corruptions, seed: 5, batchSize: 7);
        var again = ReconstructionEvaluation.Evaluate(model, train, test, corruptions, seed: 5, batchSize: 40);
        Assert.Equal(3, reports.Count);
        for (int c = 0; c < 3; c++)
        {
            var r = reports[c];
            Assert.Equal(corruptions[c].Description, r.Corruption);
            Assert.Equal(40, r.Images);
            Assert.Equal(3, r.Rows.Count);
            Assert.Equal(again[c].Model, r.Model);
            Assert.Equal(again[c].MajorityFill, r.MajorityFill);
            Assert.Equal(40L * 36, r.Model.Pixels);
            Assert.Contains("majority fill", r.ToTable());
        }
        Assert.Equal(40L * 4, reports[0].Model.CorruptedPixels);      // round(0.1 × 36) = 4 per image
        Assert.Equal(40L * 18, reports[1].Model.CorruptedPixels);
        Assert.Equal(1.0, reports[0].CorruptedInput.ErrorOnCorrupted); // every flipped pixel is wrong as it is
    }
}
