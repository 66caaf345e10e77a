using Vpf.Core.Data;
using Vpf.Core.Evaluation;
using Vpf.Core.Evaluation.Report;
using Vpf.Core.Model;
using Vpf.Core.Persistence;
using Vpf.Core.Reconstruction;
using Vpf.Core.Tests.Support;

namespace Vpf.Core.Tests.Evaluation;

public class EvaluationReportTests
{
    // 12 pixels shaped 4 × 3 so that the bottom-half corruption applies; labels are the prototype of each image.
    private static BinaryDataset Labelled(int count, int seed)
    {
        var rng = new Random(7);
        var protos = new int[3, 12];
        for (int p = 0; p < 3; p++)
            for (int i = 0; i < 12; i++) protos[p, i] = rng.Next(2);
        var data = new Random(seed);
        var values = new float[count * 12];
        var labels = new byte[count];
        for (int r = 0; r < count; r++)
        {
            int p = data.Next(3);
            labels[r] = (byte)p;
            for (int i = 0; i < 12; i++) values[r * 12 + i] = data.NextDouble() < 0.1 ? 1 - protos[p, i] : protos[p, i];
        }
        return BinaryDataset.FromBinaryRows(values, count, 12, labels, imageRows: 4, imageColumns: 3);
    }

    private static readonly BinaryDataset Train = Labelled(300, 1);
    private static readonly BinaryDataset Test = Labelled(120, 2);

    /// <summary>Every section on, small enough to take well under a second on a tiny model.</summary>
    private static EvaluationOptions Small(int seed) => new()
    {
        Seed = seed,
        LogLikelihood = new LogLikelihoodSectionOptions { AisRuns = 100, AisTemperatures = 3000 },
        Parzen = new ParzenSectionOptions { Chains = 20, SamplesPerChain = 5, BurnIn = 50, Thinning = 5, ValidationRows = 40 },
        LinearProbe = new LinearProbeSectionOptions { Probe = new LinearProbeOptions { MaxTrainRows = 200 } },
    };

    [Fact]
    public void Json_round_trip_gives_the_same_report()
    {
        var model = TinyModels.Random(Architecture.Rbm(12, 6), seed: 3, scale: 0.8);
        var info = ModelFileInfo.ForTraining("vpf", new Core.Training.TrainingOptions { Epochs = 2, Seed = 5 });
        var options = Small(1) with
        {
            // A NaN in the report (no pixel baseline) must survive the round trip too.
            LinearProbe = new LinearProbeSectionOptions { Probe = new LinearProbeOptions { MaxTrainRows = 200, IncludePixelBaseline = false } },
        };
        var report = ModelEvaluator.Evaluate(model, Train, Test, options, provenance: info, dataSource: "synthetic prototypes");
        string json = report.ToJson();
        Assert.Contains("\"kind\": \"FreeEnergy\"", json);
        Assert.Contains("\"NaN\"", json);
        var back = EvaluationReport.FromJson(json);
        Assert.Equal(json, back.ToJson());
        Assert.Equal("vpf", back.Model.Training!.Method);
        Assert.Equal(5, back.Model.Training.Seed);
        Assert.Equal("synthetic prototypes", back.Data.Source);
        Assert.Equal(Architecture.Rbm(12, 6).ParameterCount, back.Model.ParameterCount);
        Assert.True(double.IsNaN(back.LinearProbe!.Result.PixelAccuracy));
        Assert.Equal(report.LogLikelihood!.Ais!.LogPartition, back.LogLikelihood!.Ais!.LogPartition);
        Assert.Equal(report.Reconstruction!.Corruptions.Count, back.Reconstruction!.Corruptions.Count);
    }

    [Fact]
    public void The_same_seed_gives_the_same_report_apart_from_timings()
    {
        var model = TinyModels.Random(Architecture.Rbm(12, 5).WithLateral(1), seed: 4, scale: 0.6);
        var first = ModelEvaluator.Evaluate(model, Train, Test, Small(9));
        var second = ModelEvaluator.Evaluate(model, Train, Test, Small(9));
        Assert.Equal(first.WithoutTimings().ToJson(), second.WithoutTimings().ToJson());
        Assert.NotNull(first.Reconstruction);
        Assert.NotNull(first.LogLikelihood?.Ais);
        Assert.NotNull(first.Parzen);
        Assert.NotNull(first.LinearProbe);
        Assert.Equal(2, first.Reconstruction!.Corruptions.Count);
        var other = ModelEvaluator.Evaluate(model, Train, Test, Small(10));
        Assert.NotEqual(first.WithoutTimings().ToJson(), other.WithoutTimings().ToJson());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void On_a_tiny_rbm_ais_agrees_with_the_exact_log_likelihood(int seed)
    {
        // As in AisTests: with 3,000 temperatures and 100 runs the AIS log Z on 10-ish-unit RBMs is within ~0.015 nats.
        var model = TinyModels.Random(Architecture.Rbm(12, 6), seed, scale: 1.0);
        var report = ModelEvaluator.Evaluate(model, Train, Test, Small(seed) with { Reconstruction = null, Parzen = null, LinearProbe = null });
        var section = report.LogLikelihood!;
        var exact = section.Exact!;
        var ais = section.Ais!;
        Assert.Equal(AisLikelihoodKind.FreeEnergy, ais.Kind);
        Assert.Equal(6, exact.EnumeratedUnits);
        Assert.Null(exact.MeanFieldLowerBound);
        Assert.InRange(ais.MeanLogLikelihood - exact.MeanLogLikelihood, -0.05, 0.05);
        Assert.InRange(exact.MeanLogLikelihood, ais.Lower - 1e-9, ais.Upper + 1e-9);
        Assert.InRange(ais.LogPartition.LogZ - exact.LogPartition, -0.05, 0.05);
        Assert.Equal(3000, ais.LogPartition.Temperatures);
        Assert.True(double.IsFinite(section.IndependentPixels));
    }

    [Fact]
    public void On_a_tiny_dbm_the_ais_variational_bound_matches_the_exact_bound_and_stays_below_the_exact_value()
    {
        var model = TinyModels.Random(Architecture.Dbm(12, 5, 4), seed: 6, scale: 0.8);
        var report = ModelEvaluator.Evaluate(model, Train, Test, Small(2) with { Reconstruction = null, Parzen = null, LinearProbe = null });
        var exact = report.LogLikelihood!.Exact!;
        var ais = report.LogLikelihood.Ais!;
        Assert.Equal(AisLikelihoodKind.VariationalLowerBound, ais.Kind);
        Assert.NotNull(exact.MeanFieldLowerBound);
        Assert.True(exact.MeanFieldLowerBound <= exact.MeanLogLikelihood + 1e-9);
        Assert.InRange(ais.MeanLogLikelihood - exact.MeanFieldLowerBound!.Value, -0.05, 0.05);
        Assert.True(ais.MeanLogLikelihood <= exact.MeanLogLikelihood + 0.05);
    }

    [Fact]
    public void Sections_can_be_switched_off()
    {
        var model = TinyModels.Random(Architecture.Rbm(12, 6), seed: 1);
        var progress = new List<EvaluationProgress>();
        var none = ModelEvaluator.Evaluate(model, Train, Test,
            new EvaluationOptions { HeldOut = null, Reconstruction = null, LogLikelihood = null, Parzen = null, LinearProbe = null },
            new SynchronousProgress(progress.Add));
        Assert.Null(none.HeldOut);
        Assert.Null(none.Reconstruction);
        Assert.Null(none.LogLikelihood);
        Assert.Null(none.Parzen);
        Assert.Null(none.LinearProbe);
        Assert.Empty(progress);

        var onlyExact = ModelEvaluator.Evaluate(model, Train, Test,
            new EvaluationOptions { HeldOut = null, Reconstruction = null, Parzen = null, LinearProbe = null, LogLikelihood = new() { AisRuns = 0 } },
            new SynchronousProgress(progress.Add));
        Assert.Null(onlyExact.LogLikelihood!.Ais);
        Assert.NotNull(onlyExact.LogLikelihood.Exact);
        Assert.Equal(["log-likelihood", "log-likelihood"], progress.Select(p => p.Section));
        Assert.Equal([false, true], progress.Select(p => p.Finished));

        // A big model is never enumerated; unlabelled data skip the probe.
        var big = TinyModels.Random(Architecture.Rbm(25, 30), seed: 1, scale: 0.1);
        var unlabelled = BinaryDataset.FromBinaryRows(new float[10 * 25], 10, 25);
        var report = ModelEvaluator.Evaluate(big, unlabelled, unlabelled,
            new EvaluationOptions { Reconstruction = null, Parzen = null, LogLikelihood = new() { AisRuns = 0 } });
        Assert.Null(report.LogLikelihood!.Exact);
        Assert.Null(report.LinearProbe);
    }

    [Fact]
    public void Additional_flip_fractions_and_an_explicit_ais_schedule_are_used()
    {
        var model = TinyModels.Random(Architecture.Rbm(12, 6), seed: 2, scale: 0.8);
        var options = Small(3) with
        {
            Reconstruction = new ReconstructionSectionOptions { FlipFraction = 0.1, AdditionalFlipFractions = [0.2, 0.3], RandomSquareSize = 2 },
            LogLikelihood = new LogLikelihoodSectionOptions
            {
                AisRuns = 20, AisTemperatures = 3000, Exact = false,
                AisSchedule = AisSchedule.Piecewise((0.5, 10), (0.9, 20), (1.0, 30)),
            },
            Parzen = null, LinearProbe = null,
        };
        var report = ModelEvaluator.Evaluate(model, Train, Test, options);

        // One corruption per fraction, in the order given, then the occlusions.
        var corruptions = report.Reconstruction!.Corruptions;
        Assert.Equal(5, corruptions.Count);
        Assert.Equal([CorruptionKind.PixelFlips, CorruptionKind.PixelFlips, CorruptionKind.PixelFlips, CorruptionKind.Occlusion, CorruptionKind.Occlusion],
            corruptions.Select(c => c.Kind));
        // Each image's corruption depends on the seed and its row only: 20 % flips alone score the same.
        var alone = ModelEvaluator.Evaluate(model, Train, Test, options with
        {
            Reconstruction = new ReconstructionSectionOptions { FlipFraction = 0.2, HideBottomHalf = false },
            LogLikelihood = null,
        });
        Assert.Equal(alone.Reconstruction!.Corruptions[0].Corruption, corruptions[1].Corruption);
        Assert.Equal(alone.Reconstruction.Corruptions[0].Model, corruptions[1].Model);
        Assert.NotEqual(corruptions[0].Corruption, corruptions[2].Corruption);

        // The explicit schedule replaces AisTemperatures.
        Assert.Equal(60, report.LogLikelihood!.Ais!.LogPartition.Temperatures);

        var bad = options with { Reconstruction = new ReconstructionSectionOptions { AdditionalFlipFractions = [0.2, 1.5] } };
        Assert.Equal("AdditionalFlipFractions", Assert.Throws<InvalidOptionsException>(() => ModelEvaluator.Evaluate(model, Train, Test, bad)).Option);
    }

    [Fact]
    public void Schedule_keeps_the_paper_shape()
    {
        Assert.Same(AisSchedule.Default, LogLikelihoodSectionOptions.Schedule(14500));
        var s = LogLikelihoodSectionOptions.Schedule(2900);
        Assert.Equal(2900, s.Temperatures);
        Assert.Equal(0.5, s.Betas[100], 12);
        Assert.Equal(0.9, s.Betas[900], 12);
        Assert.Equal(1, LogLikelihoodSectionOptions.Schedule(1).Temperatures);
        Assert.Equal(3, LogLikelihoodSectionOptions.Schedule(3).Temperatures);
    }

    [Fact]
    public void Enumerated_units_follow_the_exact_enumeration()
    {
        Assert.Equal(6, ModelEvaluator.EnumeratedUnits(Architecture.Rbm(12, 6), visibleFixed: false));
        Assert.Equal(0, ModelEvaluator.EnumeratedUnits(Architecture.Rbm(12, 6), visibleFixed: true));
        Assert.Equal(5, ModelEvaluator.EnumeratedUnits(Architecture.Dbm(12, 5, 4), visibleFixed: false));
        Assert.Equal(4, ModelEvaluator.EnumeratedUnits(Architecture.Dbm(12, 5, 4), visibleFixed: true));
        Assert.Equal(12 + 5, ModelEvaluator.EnumeratedUnits(Architecture.Rbm(12, 5).WithLateral(0, 1), visibleFixed: false));
    }

    private sealed class SynchronousProgress(Action<EvaluationProgress> report) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value) => report(value);
    }
}
