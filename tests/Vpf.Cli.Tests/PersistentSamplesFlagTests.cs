using Vpf.Cli.Commands;
using Vpf.Core.Persistence;
using Vpf.Core.Training;

namespace Vpf.Cli.Tests;

/// <summary><c>--persistent-samples</c>, <c>--persistent-gibbs-sweeps</c>, <c>--persistent-flow-weight</c>: VPF's persistent-sample flow.</summary>
public class PersistentSamplesFlagTests
{
    [Fact]
    public void The_flags_set_vpf_s_options_and_the_generated_command_repeats_them()
    {
        var settings = new TrainSettings { Layers = "8", Epochs = 2, Seed = 3, PersistentSamples = 20, PersistentGibbsSweeps = 3, PersistentFlowWeight = 0.25f };
        var plan = settings.BuildPlan(36);
        var vpf = Assert.IsType<VpfMethod>(plan.Method);
        Assert.Equal((20, 3, 0.25f), (vpf.Options.PersistentSamples, vpf.Options.PersistentGibbsSweeps, vpf.Options.PersistentFlowWeight));
        Assert.Equal("vpf train --method vpf --layers 36,8 --estimator sampled --sweeps 10 --persistent-samples 20 --persistent-gibbs-sweeps 3 " +
                     "--persistent-flow-weight 0.25 --epochs 2 --batch-size 100 --optimiser adam --learning-rate 0.001 --weight-decay 0 --centering on --seed 3",
            TrainCommandLine.For(plan, settings));
        // Off (the default): the line is what it always was.
        var off = new TrainSettings { Layers = "8", Epochs = 2, Seed = 3 };
        Assert.DoesNotContain("persistent", TrainCommandLine.For(off.BuildPlan(36), off));
    }

    [Theory]
    [InlineData("--persistent-samples", "5")]
    [InlineData("--persistent-gibbs-sweeps", "2")]
    [InlineData("--persistent-flow-weight", "0.5")]
    public void With_another_method_each_flag_is_refused_by_name(string flag, string value)
    {
        using var data = new TinyData(40, 10);
        var (code, output) = CliRunner.Run("train", "--data", data.Folder, "--method", "cd", "--layers", "8", flag, value, "--out", data.File("m.vpf"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"error: {flag}: applies to --method vpf only; the method is cd.", output);
        Assert.False(File.Exists(data.File("m.vpf")));
    }

    [Theory]
    [InlineData("--persistent-samples", "-1", "must be ≥ 0", "--estimator", "sampled")]
    [InlineData("--persistent-gibbs-sweeps", "0", "must be ≥ 1", "--estimator", "sampled")]
    [InlineData("--persistent-flow-weight", "0", "must be a finite number > 0", "--estimator", "sampled")]
    [InlineData("--persistent-samples", "4", "needs the Sampled or MeanField estimator", "--estimator", "expected")]
    [InlineData("--persistent-samples", "4", "cannot be used with --distributed", "--distributed")]
    public void A_bad_value_is_refused_with_its_flag(string flag, string value, string message, params string[] more)
    {
        using var data = new TinyData(40, 10);
        var (code, output) = CliRunner.Run(["train", "--data", data.Folder, "--layers", "8", flag, value, .. more, "--out", data.File("m.vpf")]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"error: {flag}: ", output);
        Assert.Contains(message, output);
        Assert.False(File.Exists(data.File("m.vpf")));
    }

    [Fact]
    public void The_model_file_records_the_options_and_the_command_that_trains_it_again()
    {
        using var data = new TinyData(100, 20);
        string first = data.File("first.vpf"), second = data.File("second.vpf");
        var (code, output) = CliRunner.Run("train", "--data", data.Folder, "--layers", "8", "--epochs", "2", "--batch-size", "25", "--seed", "4", "--threads", "1",
            "--persistent-samples", "10", "--persistent-gibbs-sweeps", "2", "--persistent-flow-weight", "0.5", "--out", first);
        Assert.True(code == 0, output);
        var info = ModelFile.LoadWithInfo(first).Info;
        var method = Assert.IsType<VpfMethod>(info.ReadTrainingMethod());
        Assert.Equal((10, 2, 0.5f), (method.Options.PersistentSamples, method.Options.PersistentGibbsSweeps, method.Options.PersistentFlowWeight));
        Assert.Contains("--persistent-samples 10 --persistent-gibbs-sweeps 2 --persistent-flow-weight 0.5", info.TrainCommand);

        var args = TrainCommandTests.ShellWords(info.TrainCommand!).Skip(1).Concat(["--threads", "1", "--out", second]).ToArray();
        (code, output) = CliRunner.Run(args);
        Assert.True(code == 0, output);
        var a = ModelFile.Load(first).Parameters.Tensors.SelectMany(t => t).Select(BitConverter.SingleToInt32Bits);
        var b = ModelFile.Load(second).Parameters.Tensors.SelectMany(t => t).Select(BitConverter.SingleToInt32Bits);
        Assert.Equal(a, b);
    }
}
