using Vpf.Core.Persistence;

namespace Vpf.Cli.Tests;

public class ErrorTests
{
    [Theory]
    [InlineData("--layers", "abc")]
    [InlineData("--method", "magic")]
    [InlineData("--estimator", "guess")]
    [InlineData("--optimiser", "rmsprop")]
    [InlineData("--epochs", "0")]
    [InlineData("--learning-rate", "-1")]
    [InlineData("--threads", "-2")]
    public void A_bad_option_value_is_a_usage_error_naming_the_option(string option, string value)
    {
        using var data = new TinyData(40, 10);
        var (code, output) = CliRunner.Run("train", "--data", data.Folder, option, value, "--out", data.File("m.vpf"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(option, output);
        Assert.Contains("error", output);
        Assert.DoesNotContain("   at ", output); // no stack trace
    }

    [Fact]
    public void An_unknown_option_or_a_non_number_is_a_usage_error()
    {
        var (code, output) = CliRunner.Run("train", "--frobnicate");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("frobnicate", output);
        (code, output) = CliRunner.Run("train", "--epochs", "many");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("many", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public void A_method_that_cannot_train_the_architecture_is_a_usage_error()
    {
        using var data = new TinyData(40, 10);
        var (code, output) = CliRunner.Run("train", "--data", data.Folder, "--method", "mpf-rbm", "--layers", "8,4", "--out", data.File("m.vpf"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--method", output);
    }

    [Fact]
    public void Missing_or_malformed_data_exits_3_naming_the_file()
    {
        using var data = new TinyData(40, 10);
        string missing = Path.Combine(data.Folder, "nothing-here");
        var (code, output) = CliRunner.Run("train", "--data", missing, "--out", data.File("m.vpf"));
        Assert.Equal(ExitCodes.DataFile, code);
        Assert.Contains("nothing-here", output);

        File.WriteAllBytes(data.File("train-images-idx3-ubyte"), [1, 2, 3, 4, 5, 6, 7]);
        (code, output) = CliRunner.Run("train", "--data", data.Folder, "--out", data.File("m.vpf"));
        Assert.Equal(ExitCodes.DataFile, code);
        Assert.Contains("train-images-idx3-ubyte", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public void A_bad_model_file_exits_4_naming_it()
    {
        using var data = new TinyData(40, 10);
        string bad = data.File("bad.vpf");
        File.WriteAllText(bad, "this is not a model");
        foreach (var args in new[] { new[] { "info", bad }, ["evaluate", bad, "--data", data.Folder], ["export", bad], ["sample", bad] })
        {
            var (code, output) = CliRunner.Run(args);
            Assert.Equal(ExitCodes.ModelFile, code);
            Assert.Contains("bad.vpf", output);
            Assert.DoesNotContain("   at ", output);
        }
        var (c, o) = CliRunner.Run("info", data.File("absent.vpf"));
        Assert.Equal(ExitCodes.ModelFile, c);
        Assert.Contains("absent.vpf", o);
    }

    [Fact]
    public void Diverged_training_exits_5_and_keeps_the_last_good_model()
    {
        using var data = new TinyData(100, 20);
        string model = data.File("m.vpf");
        var (code, output) = CliRunner.Run("train", "--data", data.Folder, "--layers", "8", "--epochs", "3", "--optimiser", "sgd",
            "--learning-rate", "1e30", "--out", model);
        Assert.Equal(ExitCodes.Diverged, code);
        Assert.Contains("diverged", output);
        Assert.Contains("last good model", output);
        var kept = ModelFile.Load(model);
        Assert.True(kept.Parameters.IsFinite());
    }
}
