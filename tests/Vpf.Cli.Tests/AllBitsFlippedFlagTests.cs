using Vpf.Cli.Commands;
using Vpf.Core.Persistence;
using Vpf.Core.Training;

namespace Vpf.Cli.Tests;

/// <summary><c>vpf train --all-bits-flipped</c>: a VPF option, recorded in the model file and in the printed command.</summary>
public class AllBitsFlippedFlagTests
{
    [Fact]
    public void The_flag_sets_the_vpf_option_and_the_generated_command_repeats_it()
    {
        var settings = new TrainSettings { Layers = "8", Epochs = 3, Seed = 1, AllBitsFlipped = true };
        var plan = settings.BuildPlan(36);
        Assert.Equal(new VpfMethod { Options = new VpfOptions { AllBitsFlipped = true } }, plan.Method);
        Assert.Equal("vpf train --method vpf --layers 36,8 --estimator sampled --sweeps 10 --all-bits-flipped --epochs 3 --batch-size 100 --optimiser adam " +
                     "--learning-rate 0.001 --weight-decay 0 --centering on --seed 1",
            TrainCommandLine.For(plan, settings));
        Assert.DoesNotContain("--all-bits-flipped", TrainCommandLine.For(new TrainSettings { Layers = "8" }.BuildPlan(36), new TrainSettings()));
    }

    [Theory]
    [InlineData("cd")]
    [InlineData("mpf-rbm")]
    [InlineData("dbm-pcd")]
    public void Another_method_refuses_the_flag_naming_it(string method)
    {
        using var data = new TinyData(40, 10);
        var (code, output) = CliRunner.Run("train", "--data", data.Folder, "--method", method, "--layers", "8", "--all-bits-flipped", "--out", data.File("m.vpf"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("error: --all-bits-flipped: ", output);
        Assert.Contains($"applies to --method vpf only; the method is {method}", output);
        Assert.False(File.Exists(data.File("m.vpf")));
    }

    [Fact]
    public void Gaussian_visible_units_are_refused_naming_the_option()
    {
        using var data = new TinyData(40, 10);
        var (code, output) = CliRunner.Run("train", "--data", data.Folder, "--visible", "gaussian", "--layers", "8", "--all-bits-flipped", "--out", data.File("m.vpf"));
        Assert.Equal(ExitCodes.Usage, code);
        string text = System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " "); // the console wraps long lines
        Assert.Contains("the all-bits-flipped state (AllBitsFlipped) exists for binary units only", text);
        Assert.Contains("has Gaussian visible units", text);
    }

    [Fact]
    public void Resume_names_the_flag_when_the_checkpoint_was_trained_without_it()
    {
        string without = new VpfMethod().OptionsJson()!, with = new VpfMethod { Options = new VpfOptions { AllBitsFlipped = true } }.OptionsJson()!;
        Assert.Equal(["--all-bits-flipped (checkpoint unset, this run true)"], OptionsDiff.Describe(without, with, "Method"));
        Assert.Empty(OptionsDiff.Describe(without, new VpfMethod().OptionsJson(), "Method"));
    }

    [Fact]
    public void A_trained_model_records_the_option_and_the_command_that_repeats_it()
    {
        using var data = new TinyData(60, 20);
        string model = data.File("m.vpf");
        var (code, output) = CliRunner.Run("train", "--data", data.Folder, "--layers", "8", "--epochs", "1", "--all-bits-flipped", "--threads", "1", "--out", model);
        Assert.True(code == 0, output);
        var info = ModelFile.LoadWithInfo(model).Info;
        var method = TrainingMethod.TryParse(info.TrainingMethod, info.ObjectiveOptionsJson);
        Assert.Equal(new VpfMethod { Options = new VpfOptions { AllBitsFlipped = true } }, method);
        Assert.Contains(" --all-bits-flipped ", info.TrainCommand);
    }
}
