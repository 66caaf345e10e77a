using Spectre.Console.Cli;

namespace Vpf.Cli.Commands;

/// <summary><c>vpf train</c>: trains a model and writes it to <c>--out</c>.</summary>
internal sealed class TrainCommand : Command<TrainSettings>
{
    public override int Execute(CommandContext context, TrainSettings settings, CancellationToken cancellationToken)
    {
        var cli = (CliContext)context.Data!;
        settings.Apply();
        OutputPath.Check("--out", settings.Out, DataInputs.For(settings)); // before the data are loaded; TrainingRun checks again under its lock
        var data = DataSource.Load(settings);
        cli.Line($"Data: {data.Description}.");
        TrainingRun.Execute(cli, settings, data, Path.GetFileNameWithoutExtension(settings.Out));
        return ExitCodes.Success;
    }
}
