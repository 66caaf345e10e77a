using Vpf.Core.Persistence;

namespace Vpf.Cli.Tests;

/// <summary>
/// What a command may replace and what it tells the user: a model or checkpoint only by its own kind or with
/// <c>--overwrite</c>, never a symbolic link, never an input through the clean-up of temporary files; and the
/// messages of a refused resume and of the smaller refusals. Every case asserts exit code, the option or file named
/// and every pre-existing file unchanged.
/// </summary>
public class OutputSafetyTests
{
    private static string[] Train(TinyData data, string output, params string[] more) =>
        ["train", "--data", data.Folder, "--layers", "8", "--epochs", "2", "--batch-size", "20", "--out", output, .. more];

    private static string Interrupted(TinyData data, string output)
    {
        using var cts = new CancellationTokenSource();
        var hooks = new CliHooks { AfterBatch = _ => cts.Cancel() };
        Assert.Equal(ExitCodes.Interrupted, CliRunner.Run(hooks, cts.Token, Train(data, output)).Code);
        return CheckpointFile.PathFor(output);
    }

    [Fact]
    public void Train_never_replaces_another_runs_checkpoint_through_out_unless_told_to()
    {
        using var data = new TinyData(100, 20);
        string checkpoint = Interrupted(data, data.File("ck.vpf"));
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "ck.vpf.vpfckpt", "a vpf training checkpoint", "--overwrite"], Train(data, checkpoint));
        // Its owner can still resume it.
        Assert.Equal(0, CliRunner.Run(Train(data, data.File("ck.vpf"), "--resume")).Code);
    }

    [Fact]
    public void Other_outputs_never_replace_a_model_or_checkpoint_unless_told_to()
    {
        using var data = new TinyData(100, 20);
        string model = data.File("m.vpf"), other = data.File("x.vpf");
        Assert.Equal(0, CliRunner.Run(Train(data, model)).Code);
        Assert.Equal(0, CliRunner.Run(Train(data, other, "--seed", "2")).Code);
        string checkpoint = Interrupted(data, data.File("c.vpf"));
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "x.vpf", "a vpf model file"], "sample", model, "--sweeps", "1", "--out", other);
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "c.vpf.vpfckpt", "a vpf training checkpoint"], "export", model, "--out", checkpoint);
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--json", "x.vpf", "a vpf model file"],
            "evaluate", model, "--data", data.Folder, "--ais-runs", "0", "--json", other);
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "x.vpf", "a vpf model file"], "report", model, "--data", data.Folder, "--out", other);
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "x.vpf", "a vpf model file"], "reconstruct", model, "--data", data.Folder, "--out", other);
        // The kind is read from the content, not the name.
        File.Copy(other, data.File("innocent.png"));
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "innocent.png", "a vpf model file"], "sample", model, "--sweeps", "1", "--out", data.File("innocent.png"));
        // --overwrite says so.
        Assert.Equal(0, CliRunner.Run("sample", model, "--sweeps", "1", "--count", "2", "--out", other, "--overwrite").Code);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(other)[..4]);
    }

    [Fact]
    public void The_temporary_file_clean_up_never_removes_an_input()
    {
        using var data = new TinyData(100, 20);
        // A model whose name matches the temporary files of the output m.npz, old enough to count as stale.
        string model = data.File($".m.npz.{Guid.NewGuid():N}.tmp");
        Assert.Equal(0, CliRunner.Run(Train(data, data.File("m.vpf"))).Code);
        File.Move(data.File("m.vpf"), model);
        File.SetLastWriteTimeUtc(model, DateTime.UtcNow.AddHours(-1));
        var before = HostileInput.Snapshot(data.Folder);
        var (code, output) = CliRunner.Run("export", model, "--format", "npz", "--out", data.File("m.npz"));
        Assert.True(code == 0, output);
        foreach (var (file, hash) in before) Assert.Equal(hash, HostileInput.Snapshot(data.Folder)[file]);
        Assert.True(File.Exists(model));
    }

    [Fact]
    public void A_symbolic_link_at_out_is_refused_and_left_alone()
    {
        using var data = new TinyData(100, 20);
        string model = data.File("m.vpf");
        Assert.Equal(0, CliRunner.Run(Train(data, model)).Code);
        File.WriteAllText(data.File("real.png"), "not replaced");
        string link = data.File("link.png");
        File.CreateSymbolicLink(link, data.File("real.png"));
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "link.png", "symbolic link"], "sample", model, "--sweeps", "1", "--out", link);
        Assert.NotNull(new FileInfo(link).LinkTarget);
        string dangling = data.File("dangling.png");
        File.CreateSymbolicLink(dangling, data.File("nowhere.png"));
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "dangling.png", "symbolic link"], "sample", model, "--sweeps", "1", "--out", dangling);
        Assert.False(File.Exists(data.File("nowhere.png")));
    }

    [Fact]
    public void A_resume_with_other_options_names_each_differing_option()
    {
        using var data = new TinyData(100, 20);
        string model = data.File("m.vpf");
        Interrupted(data, model);
        string output = HostileInput.Expect(data.Folder, ExitCodes.Usage,
            ["--resume", "other options", "--epochs (checkpoint 2, this run 9)", "--learning-rate (checkpoint 0.001, this run 0.01)"],
            Train(data, model, "--resume", "--epochs", "9", "--learning-rate", "0.01"));
        Assert.DoesNotContain("--seed", output);
        Assert.DoesNotContain("batchSize", output);
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--resume", "--layers/--lateral (checkpoint 36-8, this run 36-9)"],
            ["train", "--data", data.Folder, "--layers", "9", "--epochs", "2", "--batch-size", "20", "--out", model, "--resume"]);
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--resume", "--method (checkpoint vpf, this run cd)"], Train(data, model, "--resume", "--method", "cd"));
    }

    [Theory]
    [InlineData("784,,20", "number 2")]
    [InlineData("8,", "number 2")]
    [InlineData(",8", "number 1")]
    public void Layer_lists_with_empty_entries_are_refused(string layers, string mention)
    {
        using var data = new TinyData(40, 10);
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--layers", "empty entry", mention], "train", "--data", data.Folder, "--layers", layers, "--out", data.File("m.vpf"));
        Assert.False(File.Exists(data.File("m.vpf")));
    }

    [Fact]
    public void A_batch_size_above_the_training_rows_is_said_and_the_batch_holds_them_all()
    {
        using var data = new TinyData(40, 10);
        var (code, output) = CliRunner.Run("train", "--data", data.Folder, "--layers", "8", "--epochs", "1", "--batch-size", "100", "--out", data.File("m.vpf"));
        Assert.True(code == 0, output);
        Assert.Contains("--batch-size 100 is more than the 40 training images: every batch holds all 40.", output);
        Assert.Contains("1 batches of 40", output);
    }

    [Fact]
    public void Evaluate_without_labels_says_the_probe_is_skipped()
    {
        // Only the t10k images and no labels: the folder is split 80/20 and has no classes.
        using var data = new TinyData(40, 40);
        foreach (string f in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte" }) File.Delete(data.File(f));
        string model = data.File("m.vpf");
        Assert.Equal(0, CliRunner.Run(Train(data, model)).Code);
        string output = HostileInput.Expect(data.Folder, 0, ["Linear probe skipped", "training images have no labels file"],
            "evaluate", model, "--data", data.Folder, "--ais-runs", "0", "--parzen-chains", "0");
        Assert.DoesNotContain("linear probe accuracy", output);
    }

    [Fact]
    public void A_finished_run_leaves_no_lock_file()
    {
        using var data = new TinyData(40, 10);
        string model = data.File("m.vpf");
        Assert.Equal(0, CliRunner.Run(Train(data, model)).Code);
        Assert.Empty(Directory.GetFiles(data.Folder, ".*.lock"));
        Interrupted(data, data.File("n.vpf"));
        Assert.Empty(Directory.GetFiles(data.Folder, ".*.lock"));
    }
}
