using System.Text;
using Vpf.Cli.Commands;
using Vpf.Core.Persistence;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Cli.Tests;

/// <summary>
/// Every training flag is an override of the method's record, and the model file records the <c>vpf train</c> command
/// that trains it again: run as printed by <c>vpf info</c>, it gives the same parameters bit for bit.
/// </summary>
public class TrainCommandTests
{
    [Theory]
    [InlineData("vpf")]
    [InlineData("cd")]
    [InlineData("pcd")]
    [InlineData("mpf-rbm")]
    [InlineData("dbm-pcd")]
    public void Without_training_flags_a_method_trains_with_its_recorded_defaults(string name)
    {
        var plan = new TrainSettings { Method = name, Layers = "8", Seed = 7 }.BuildPlan(36);
        var record = TrainingMethod.Parse(name);
        Assert.Equal(record.DefaultTraining with { Seed = 7 }, plan.TrainingOptions);
        Assert.Equal(record, plan.Method);
        Assert.Null(plan.TimeBudgetSeconds);
    }

    [Fact]
    public void Cd_defaults_are_the_measured_ones_and_flags_override_them_one_by_one()
    {
        var cd = new TrainSettings { Method = "cd", Layers = "8" }.BuildPlan(36).TrainingOptions;
        Assert.Equal((OptimiserKind.Adam, 1e-3f, 100, true, 10), (cd.Optimiser.Kind, cd.Optimiser.LearningRate, cd.BatchSize, cd.Centering.Enabled, cd.Epochs));

        // scikit-learn's CD setting, the paper grid's old baseline: plain SGD 0.05 at batch 10.
        var sgd = new TrainSettings { Method = "cd", Layers = "8", Optimiser = "sgd", BatchSize = 10 }.BuildPlan(36).TrainingOptions;
        Assert.Equal(new OptimiserOptions { Kind = OptimiserKind.SgdMomentum, LearningRate = 0.05f, Momentum = 0f }, sgd.Optimiser);
        Assert.Equal(10, sgd.BatchSize);
        Assert.True(sgd.Centering.Enabled);

        var momentum = new TrainSettings { Method = "cd", Layers = "8", Optimiser = "sgd", Momentum = 0.9f, LearningRate = 0.01f, Centering = "off" }.BuildPlan(36).TrainingOptions;
        Assert.Equal((0.9f, 0.01f, false), (momentum.Optimiser.Momentum, momentum.Optimiser.LearningRate, momentum.Centering.Enabled));
    }

    [Fact]
    public void Momentum_with_adam_is_refused_with_its_flag()
    {
        using var data = new TinyData(40, 10);
        var (code, output) = CliRunner.Run("train", "--data", data.Folder, "--layers", "8", "--momentum", "0.5", "--out", data.File("m.vpf"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("error: --momentum: applies to --optimiser sgd only", output);
    }

    [Fact]
    public void The_generated_command_is_every_flag_of_the_plan_and_builds_the_same_plan()
    {
        var settings = new TrainSettings
        {
            Method = "pcd", Layers = "8,4", Lateral = null, Epochs = 3, Optimiser = "sgd", Momentum = 0.25f, TimeBudget = 12.5, Seed = 9, TrainRows = 150,
        };
        var plan = settings.BuildPlan(36);
        Assert.IsType<DbmPcdMethod>(plan.Method); // "pcd" on a DBM, resolved by Core
        string? command = TrainCommandLine.For(plan, settings);
        Assert.Equal("vpf train --method dbm-pcd --layers 36,8,4 --sweeps 10 --cd-steps 5 --epochs 3 --batch-size 100 --optimiser sgd " +
                     "--learning-rate 0.05 --momentum 0.25 --weight-decay 0 --centering on --time-budget 12.5 --seed 9 --train-rows 150", command);
        Assert.Equal("'a b'", TrainCommandLine.Quote("a b"));
        Assert.Equal("'it'\\''s'", TrainCommandLine.Quote("it's"));
    }

    [Fact]
    public void The_generated_command_of_a_Gaussian_model_of_a_table_names_the_visible_units_and_the_table()
    {
        var settings = new TrainSettings
        {
            Visible = "gaussian", Method = "sm-rbm", Layers = "8", Epochs = 4, Seed = 2, DataCsv = "my data.csv", LabelColumn = "class", CsvSeparator = "semicolon",
        };
        var plan = settings.BuildPlan(12);
        Assert.True(plan.Architecture.HasGaussianVisible);
        string? command = TrainCommandLine.For(plan, settings);
        Assert.Equal("vpf train --method sm-rbm --layers 12,8 --visible gaussian --epochs 4 --batch-size 100 --optimiser adam --learning-rate 0.001 " +
                     "--weight-decay 0 --centering on --seed 2 --data-csv 'my data.csv' --label-column class --csv-separator semicolon", command);
        var again = new TrainSettings
        {
            Visible = "gaussian", Method = "sm-rbm", Layers = "12,8", Epochs = 4, BatchSize = 100, Optimiser = "adam", LearningRate = 1e-3f, WeightDecay = 0,
            Centering = "on", Seed = 2,
        }.BuildPlan(12);
        Assert.Equal((plan.Architecture, plan.Method, plan.TrainingOptions), (again.Architecture, again.Method, again.TrainingOptions));
    }

    [Fact]
    public void Step_schedule_flags_set_the_plan_s_schedule_and_the_generated_command_repeats_them()
    {
        var settings = new TrainSettings
        {
            Layers = "8", Epochs = 3, Seed = 1, StepSchedule = "linear", FinalStepFraction = 0.05, StepScheduleClock = "budget", TimeBudget = 30,
        };
        var plan = settings.BuildPlan(36);
        Assert.Equal(new StepScheduleOptions { Kind = StepScheduleKind.Linear, FinalFraction = 0.05, Clock = StepScheduleClock.TimeBudget }, plan.TrainingOptions.StepSchedule);
        Assert.Equal("vpf train --method vpf --layers 36,8 --estimator sampled --sweeps 10 --epochs 3 --batch-size 100 --optimiser adam --learning-rate 0.001 " +
                     "--weight-decay 0 --step-schedule linear --final-step-fraction 0.05 --step-schedule-clock budget --centering on --time-budget 30 --seed 1",
            TrainCommandLine.For(plan, settings));
        var cosine = new TrainSettings { Layers = "8", StepSchedule = "Cosine" }.BuildPlan(36).TrainingOptions.StepSchedule;
        Assert.Equal(new StepScheduleOptions { Kind = StepScheduleKind.Cosine }, cosine); // final fraction and clock: the method's defaults
    }

    [Theory]
    [InlineData("--step-schedule", "exponential", "expected constant, linear or cosine; got 'exponential'")]
    [InlineData("--final-step-fraction", "1.5", "must be in [0, 1]; got 1.5", "--step-schedule", "linear")]
    [InlineData("--final-step-fraction", "-0.1", "must be in [0, 1]; got -0.1", "--step-schedule", "cosine")]
    [InlineData("--final-step-fraction", "0.5", "applies to --step-schedule linear or cosine only")]
    [InlineData("--step-schedule-clock", "budget", "applies to --step-schedule linear or cosine only")]
    [InlineData("--step-schedule-clock", "wall", "expected updates or budget; got 'wall'", "--step-schedule", "linear")]
    [InlineData("--step-schedule-clock", "budget", "needs a time budget", "--step-schedule", "linear")]
    public void A_bad_step_schedule_is_refused_with_its_flag(string flag, string value, string message, params string[] more)
    {
        using var data = new TinyData(40, 10);
        var (code, output) = CliRunner.Run(["train", "--data", data.Folder, "--layers", "8", flag, value, .. more, "--out", data.File("m.vpf")]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"error: {flag}: ", output);
        Assert.Contains(message, output);
        Assert.DoesNotContain("TrainingOptions", output);
        Assert.False(File.Exists(data.File("m.vpf")));
    }

    [Theory]
    [InlineData("cd", "--estimator", "expected", "applies to --method vpf only; the method is cd")]
    [InlineData("cd", "--sweeps", "3", "applies to --method vpf or dbm-pcd only; the method is cd")]
    [InlineData("vpf", "--cd-steps", "3", "applies to --method cd or pcd or dbm-pcd only; the method is vpf")]
    [InlineData("mpf-rbm", "--sweeps", "3", "applies to --method vpf or dbm-pcd only; the method is mpf-rbm")]
    public void A_method_option_the_method_does_not_have_is_refused_rather_than_ignored(string method, string flag, string value, string message)
    {
        using var data = new TinyData(40, 10);
        var (code, output) = CliRunner.Run("train", "--data", data.Folder, "--method", method, "--layers", "8", flag, value, "--out", data.File("m.vpf"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"error: {flag}: {message}", output);
        Assert.False(File.Exists(data.File("m.vpf")));
        // The methods that have it take it.
        var (ok, text) = CliRunner.Run("train", "--data", data.Folder, "--method", flag == "--cd-steps" ? "cd" : "vpf", "--layers", "8", flag, value,
            "--epochs", "1", "--threads", "1", "--out", data.File("ok.vpf"));
        Assert.True(ok == ExitCodes.Success, text);
    }

    [Theory]
    [InlineData(50, 600000, 120, 240.0, 300000)] // half the budget spent: half way, whatever the epoch cap
    [InlineData(900, 1000, 1, 240.0, 900)] // the epochs end first: their updates count
    [InlineData(50, 1000, 300, 240.0, 1000)] // past the budget: done
    [InlineData(50, 1000, 120, null, 50)] // no budget: updates only
    public void A_time_budgeted_run_reports_progress_against_its_budget_not_its_epoch_cap(double updates, double total, double seconds, double? budget, double expected) =>
        Assert.Equal(expected, TrainingRun.Progress(updates, total, seconds, budget));

    [Fact]
    public void A_plan_no_flag_expresses_has_no_command()
    {
        var plan = new TrainSettings { Layers = "8" }.BuildPlan(36) with { HeldOutRows = 7 };
        Assert.Null(TrainCommandLine.For(plan, new TrainSettings()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_command_vpf_info_prints_trains_the_same_parameters_bit_for_bit(bool scheduled)
    {
        using var data = new TinyData(150, 30);
        string first = data.File("first.vpf"), second = data.File("second.vpf");
        string[] schedule = scheduled ? ["--step-schedule", "cosine", "--final-step-fraction", "0.25"] : [];
        var (code, output) = CliRunner.Run(["train", "--data", data.Folder, "--method", "cd", "--optimiser", "sgd", "--momentum", "0.5",
            "--layers", "8", "--epochs", "2", "--batch-size", "25", "--train-rows", "120", "--seed", "4", "--threads", "1", .. schedule, "--out", first]);
        Assert.True(code == 0, output);

        (code, output) = CliRunner.Run("info", first);
        Assert.True(code == 0, output);
        var printed = output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("vpf train ", StringComparison.Ordinal)).ToList();
        Assert.Single(printed);
        Assert.Equal(ModelFile.LoadWithInfo(first).Info.TrainCommand, printed[0]);
        Assert.Contains("--centering on", printed[0]);
        Assert.Contains("--train-rows 120", printed[0]);
        // Constant, the default, is left out, so the lines of unscheduled runs are as they always were.
        if (scheduled) Assert.Contains("--weight-decay 0 --step-schedule cosine --final-step-fraction 0.25 --centering on", printed[0]);
        else Assert.DoesNotContain("-step-", printed[0]);

        var args = ShellWords(printed[0]).Skip(1).Concat(["--threads", "1", "--out", second]).ToArray();
        (code, output) = CliRunner.Run(args);
        Assert.True(code == 0, output);
        var a = ModelFile.Load(first).Parameters.Tensors.SelectMany(t => t).Select(BitConverter.SingleToInt32Bits);
        var b = ModelFile.Load(second).Parameters.Tensors.SelectMany(t => t).Select(BitConverter.SingleToInt32Bits);
        Assert.Equal(a, b);
        Assert.Equal(printed[0], ModelFile.LoadWithInfo(second).Info.TrainCommand);
    }

    /// <summary>Splits a command as a POSIX shell does for plain, single-quoted and backslash-escaped characters.</summary>
    internal static List<string> ShellWords(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false, quoted = false, escaped = false;
        foreach (char c in line)
        {
            if (escaped)
            {
                word.Append(c);
                escaped = false;
            }
            else if (quoted)
            {
                if (c == '\'') quoted = false;
                else word.Append(c);
            }
            else if (c == '\'')
            {
                quoted = inWord = true;
            }
            else if (c == '\\')
            {
                escaped = inWord = true;
            }
            else if (c == ' ')
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }
}
