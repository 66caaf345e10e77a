using Spectre.Console;
using Spectre.Console.Cli;
using Vpf.Cli.Commands;
using Vpf.Core;
using Vpf.Core.Data;
using Vpf.Core.Persistence;
using Vpf.Core.Training;

namespace Vpf.Cli;

/// <summary>The <c>vpf</c> command as a library call: parses the arguments, runs a subcommand, maps failures to exit codes.</summary>
public static class VpfApp
{
    /// <summary>
    /// Runs <c>vpf</c> with <paramref name="args"/>, writing to <paramref name="output"/>; returns the exit code
    /// (see <see cref="ExitCodes"/>). Live progress bars are drawn only when <paramref name="output"/> is the
    /// console and it is not redirected; otherwise progress is printed as plain lines.
    /// </summary>
    public static int Run(string[] args, TextWriter output, CancellationToken cancellation = default) =>
        Run(args, output, cancellation, hooks: null);

    internal static int Run(string[] args, TextWriter output, CancellationToken cancellation, CliHooks? hooks)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        bool plain = !ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected;
        var context = new CliContext(output, plain, cancellation, args, hooks);
        var app = new CommandApp();
        app.Configure(c =>
        {
            c.SetApplicationName("vpf");
            c.ConfigureConsole(context.Console);
            c.PropagateExceptions();
            c.UseStrictParsing();
            c.AddCommand<TrainCommand>("train").WithData(context)
                .WithDescription("Train a DBM or RBM by VPF (or MPF, MPF-RBM, CD, PCD, DBM-PCD) and write a model file.")
                .WithExample("train", "--layers", "784,500", "--epochs", "5", "--out", "model.vpf");
            c.AddCommand<EvaluateCommand>("evaluate").WithData(context)
                .WithDescription("Evaluate a model on held-out data: flow objective, reconstruction, likelihood, linear probe.")
                .WithExample("evaluate", "model.vpf");
            c.AddCommand<SampleCommand>("sample").WithData(context)
                .WithDescription("Draw samples from a model by Gibbs sampling and write them as a PNG grid.")
                .WithExample("sample", "model.vpf", "--count", "64", "--out", "samples.png");
            c.AddCommand<ReconstructCommand>("reconstruct").WithData(context)
                .WithDescription("Corrupt held-out images (flipped pixels, hidden bottom half) and reconstruct them.")
                .WithExample("reconstruct", "model.vpf", "--out", "reconstructions.png");
            c.AddCommand<ExportCommand>("export").WithData(context)
                .WithDescription("Export a model's parameters (npz for NumPy; onnx for the mean-field feature graph).")
                .WithExample("export", "model.vpf", "--format", "npz", "--out", "model.npz");
            c.AddCommand<ReportCommand>("report").WithData(context)
                .WithDescription("Write a self-contained HTML report (charts, filters, samples, reconstructions) for model files.")
                .WithExample("report", "model.vpf", "--out", "report.html");
            c.AddCommand<InfoCommand>("info").WithData(context)
                .WithDescription("Show a model file's architecture and provenance, or (without a file) the data sets and machine.")
                .WithExample("info", "model.vpf");
            c.AddCommand<DemoCommand>("demo").WithData(context)
                .WithDescription("The main job: train VPF and a baseline on Fashion-MNIST, compare them, write out/report.html. With --full: CD-1, PCD-1 and VPF at equal training time on the full Fashion-MNIST.")
                .WithExample("demo");
        });
        try
        {
            ArgumentCheck.Run(args);
            return app.Run(args, cancellation);
        }
        catch (Exception e)
        {
            return Report(context, e);
        }
    }

    /// <summary>Prints <paramref name="e"/> as the user should see it and returns its exit code.</summary>
    internal static int Report(CliContext context, Exception e)
    {
        switch (e)
        {
            case InvalidOptionsException { Option: "distributed" } d:
                // Found by the processes' start-up comparison: no option is wrong, the processes differ.
                Error(context, $"distributed training cannot start: {d.Detail}");
                return ExitCodes.Usage;
            case UsageException or CommandAppException or InvalidOptionsException:
                Error(context, e.Message);
                if (e is CommandAppException)
                    context.Line("Run 'vpf --help' or 'vpf <command> --help' for the options.");
                return ExitCodes.Usage;
            case DataFileException:
                Error(context, e.Message);
                return ExitCodes.DataFile;
            case ModelFileException:
                Error(context, e.Message);
                return ExitCodes.ModelFile;
            case FileWriteException:
                Error(context, e.Message);
                return ExitCodes.OutputFile;
            case TrainingDivergedException:
                Error(context, e.Message);
                return ExitCodes.Diverged;
            case OperationCanceledException:
                Error(context, "Interrupted.");
                return ExitCodes.Interrupted;
            default:
                Error(context, $"Unexpected failure: {e}");
                return ExitCodes.Failure;
        }
    }

    internal static void Error(CliContext context, string message) =>
        context.Console.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
}
