using Spectre.Console.Cli;

namespace Vpf.Cli.Commands;

/// <summary><c>vpf train</c>: trains a model and writes it to <c>--out</c>.</summary>
internal sealed class TrainCommand : Command<TrainSettings>
{
    public override int Execute(CommandContext context, TrainSettings settings, CancellationToken cancellationToken)
    {
        var cli = (CliContext)context.Data!;
        // Before MPI starts, so that every process refuses it alike (the chains would be each process's own).
        if (settings.Distributed && settings.PersistentSamples is > 0)
            throw new UsageException("--persistent-samples", $"cannot be used with --distributed: the persistent chains belong to one process; got {settings.PersistentSamples}.");
        if (settings.Distributed) return DistributedTraining.Execute(cli, settings);
        settings.Apply();
        OutputPath.Check("--out", settings.Out, DataInputs.For(settings), OutputKind.Model, settings.Overwrite); // before the data are loaded; TrainingRun checks again under its lock
        var data = settings.LoadTrainingData();
        cli.Line($"Data: {data.Description}.");
        var plan = settings.BuildPlan(data.Train.Dimension);
        TrainingRun.Execute(cli, plan, data, Path.GetFileNameWithoutExtension(settings.Out), settings.Out, settings.Resume,
            settings.Overwrite, DataInputs.For(settings), trainCommand: TrainCommandLine.For(plan, settings));
        return ExitCodes.Success;
    }
}
