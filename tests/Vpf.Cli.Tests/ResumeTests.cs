using Vpf.Core.Persistence;

namespace Vpf.Cli.Tests;

public class ResumeTests
{
    [Theory]
    [InlineData("vpf", 7)]
    [InlineData("cd", 12)]
    [InlineData("vpf", 10, "--step-schedule", "cosine", "--final-step-fraction", "0")]
    public void Interrupted_then_resumed_training_equals_an_uninterrupted_run(string method, int cancelAfter, params string[] more)
    {
        using var data = new TinyData(200, 40);
        string[] Args(string output) => ["train", "--data", data.Folder, "--method", method, "--layers", "8", "--epochs", "3", "--batch-size", "25",
            "--learning-rate", "0.01", "--seed", "5", .. more, "--out", output];

        string reference = data.File("reference.vpf");
        Assert.Equal(0, CliRunner.Run(Args(reference)).Code);

        string resumed = data.File("resumed.vpf");
        using var cts = new CancellationTokenSource();
        int batches = 0;
        var hooks = new CliHooks { AfterBatch = _ => { if (++batches == cancelAfter) cts.Cancel(); } };
        var (code, output) = CliRunner.Run(hooks, cts.Token, Args(resumed));
        Assert.Equal(ExitCodes.Interrupted, code);
        Assert.Contains("checkpoint written", output);
        Assert.False(File.Exists(resumed));
        Assert.True(File.Exists(CheckpointFile.PathFor(resumed)));

        (code, output) = CliRunner.Run(hooks: null, default, [.. Args(resumed), "--resume"]);
        Assert.True(code == 0, output);
        Assert.Contains("Resuming", output);
        Assert.False(File.Exists(CheckpointFile.PathFor(resumed)));

        var a = ModelFile.LoadWithInfo(reference);
        var b = ModelFile.LoadWithInfo(resumed);
        Assert.Equal(a.Model.Parameters.Tensors.SelectMany(t => t), b.Model.Parameters.Tensors.SelectMany(t => t));
        Assert.Equal(a.Info.EpochsCompleted, b.Info.EpochsCompleted);
    }

    [Fact]
    public void Resume_with_other_options_or_no_checkpoint_is_a_usage_error()
    {
        using var data = new TinyData(100, 20);
        string model = data.File("m.vpf");
        var (code, output) = CliRunner.Run("train", "--data", data.Folder, "--layers", "8", "--out", model, "--resume");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--resume", output);

        using var cts = new CancellationTokenSource();
        var hooks = new CliHooks { AfterBatch = _ => cts.Cancel() };
        Assert.Equal(ExitCodes.Interrupted, CliRunner.Run(hooks, cts.Token, "train", "--data", data.Folder, "--layers", "8", "--out", model).Code);
        (code, output) = CliRunner.Run("train", "--data", data.Folder, "--layers", "8", "--epochs", "9", "--out", model, "--resume");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("other options", output);

        (code, output) = CliRunner.Run("train", "--data", data.Folder, "--layers", "8", "--step-schedule", "linear", "--out", model, "--resume");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--step-schedule (checkpoint \"Constant\", this run \"Linear\")", output);
    }

    [Fact]
    public void Training_options_recorded_before_an_option_existed_compare_as_its_default()
    {
        string current = OptionsDiff.WithDefaults(Core.Training.OptionsJson.Serialize(new Core.Training.TrainingOptions { Epochs = 4 }))!;
        var node = System.Text.Json.Nodes.JsonNode.Parse(current)!.AsObject();
        Assert.True(node.Remove("stepSchedule"));
        string older = node.ToJsonString();

        Assert.NotEmpty(OptionsDiff.Describe(older, current, "TrainingOptions")); // as recorded, the missing option differs
        Assert.Empty(OptionsDiff.Describe(OptionsDiff.WithDefaults(older), current, "TrainingOptions"));
        string scheduled = Core.Training.OptionsJson.Serialize(new Core.Training.TrainingOptions
        {
            Epochs = 4, StepSchedule = new() { Kind = Core.Training.Optimisers.StepScheduleKind.Cosine },
        });
        Assert.Equal(["--step-schedule (checkpoint \"Constant\", this run \"Cosine\")"], OptionsDiff.Describe(OptionsDiff.WithDefaults(older), scheduled, "TrainingOptions"));
        Assert.Equal("not json", OptionsDiff.WithDefaults("not json"));
    }

    [Fact]
    public void Method_options_recorded_before_an_option_existed_compare_as_its_default()
    {
        string current = new Core.Training.VpfMethod().OptionsJson()!;
        var node = System.Text.Json.Nodes.JsonNode.Parse(current)!.AsObject();
        Assert.True(node.Remove("persistentSamples"));
        Assert.True(node.Remove("persistentGibbsSweeps"));
        Assert.True(node.Remove("persistentFlowWeight"));
        string older = node.ToJsonString();

        Assert.NotEmpty(OptionsDiff.Describe(older, current, "Method")); // as recorded, the missing options differ
        Assert.Empty(OptionsDiff.Describe(OptionsDiff.MethodWithDefaults("vpf", older), current, "Method"));
        string persistent = new Core.Training.VpfMethod { Options = new Core.Training.VpfOptions { PersistentSamples = 100 } }.OptionsJson()!;
        Assert.Equal(["--persistent-samples (checkpoint 0, this run 100)"], OptionsDiff.Describe(OptionsDiff.MethodWithDefaults("vpf", older), persistent, "Method"));
        Assert.Equal("not json", OptionsDiff.MethodWithDefaults("vpf", "not json"));
        Assert.Equal(older, OptionsDiff.MethodWithDefaults("another tool's method", older));
    }
}
