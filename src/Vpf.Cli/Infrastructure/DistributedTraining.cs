using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Vpf.Cli.Commands;
using Vpf.Core;
using Vpf.Core.Data;
using Vpf.Core.Persistence;
using Vpf.Core.Training;
using Vpf.Distributed;

namespace Vpf.Cli;

/// <summary>
/// <c>vpf train --distributed</c>: the same training on every MPI process, each with a share of every batch. Errors
/// that every process reaches together (a mismatch found by the start-up check, Ctrl-C, divergence) end every process
/// normally with the usual exit code; an error only one process sees (a file it cannot read, a bug) ends the whole job
/// through MPI_Abort, so that no process is left waiting for it.
/// </summary>
internal static class DistributedTraining
{
    public static int Execute(CliContext cli, TrainSettings settings)
    {
        if (settings.DistributedTimeout < 0)
            throw new UsageException("--distributed-timeout", $"must be ≥ 0 seconds; got {settings.DistributedTimeout}.");
        MpiCommunicator mpi;
        try
        {
            mpi = MpiCommunicator.Start(TimeSpan.FromSeconds(settings.DistributedTimeout));
        }
        catch (MpiUnavailableException e)
        {
            throw new UsageException("--distributed", e.Message);
        }
        using (mpi)
        {
            // Process 0 speaks for the job; the others print only their own errors.
            var context = mpi.Rank == 0 ? cli : new CliContext(TextWriter.Null, plain: true, cli.Cancellation, cli.Args, cli.Hooks);
            try
            {
                CheckSameCommandLine(mpi, cli.Args);
                settings.Apply();
                var data = settings.LoadTrainingData();
                context.Line($"Data: {data.Description}.");
                var plan = settings.BuildPlan(data.Train.Dimension);
                int batch = Math.Min(plan.TrainingOptions.BatchSize, data.Train.Count);
                context.Line(string.Create(CultureInfo.InvariantCulture,
                    $"Distributed: {mpi.Size} processes ({mpi.Implementation}, {mpi.Library}), {batch / mpi.Size}–{(batch + mpi.Size - 1) / mpi.Size} rows of every batch of {batch} each."));
                var clock = Stopwatch.StartNew();
                TrainingRun.Execute(context, plan, data, Path.GetFileNameWithoutExtension(settings.Out), settings.Out, settings.Resume,
                    settings.Overwrite, DataInputs.For(settings), mpi, TrainCommandLine.For(plan, settings));
                double wall = clock.Elapsed.TotalSeconds;
                // Time in exchanges includes waiting for slower processes (the others also wait for process 0's held-out
                // evaluation), so the least of the processes' times is the closest to the cost of the transfers alone.
                var seconds = new double[mpi.Size];
                seconds[mpi.Rank] = mpi.CommunicationTime.TotalSeconds;
                long calls = mpi.Calls;
                mpi.Sum(seconds);
                context.Line(string.Create(CultureInfo.InvariantCulture,
                    $"Exchanges: {calls} calls in {wall:F1} s; seconds per process {string.Join(", ", seconds.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))}; least share {seconds.Min() / wall:P1}."));
                return ExitCodes.Success;
            }
            catch (Exception e) when (ReachedTogether(e))
            {
                // Every process prints its own line before any of them exits: a launcher such as MPICH's Hydra kills
                // the rest of the job as soon as one process ends with a non-zero code, and a process still writing
                // would lose its message. The exchange below is the point everyone has passed after printing.
                int code = VpfApp.Report(cli, e);
                cli.Output.Flush();
                mpi.Sum(new double[1]);
                return code;
            }
            catch (Exception e)
            {
                VpfApp.Error(cli, $"process {mpi.Rank} of {mpi.Size}: {e.Message} Stopping every process.");
                mpi.Abort(ExitCodeOf(e));
                throw;
            }
        }
    }

    /// <summary>Processes started with other arguments (an MPMD launch by mistake) are refused before any data is read.</summary>
    private static void CheckSameCommandLine(MpiCommunicator mpi, IReadOnlyList<string> args)
    {
        long hash = BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\0', args))));
        if (!mpi.Agree([hash])[0])
            throw new InvalidOptionsException("distributed",
                $"the {mpi.Size} processes were started with different command lines; start them all with the same 'vpf train … --distributed'.");
    }

    /// <summary>Errors every process meets at the same point, because they follow from the exchanged values.</summary>
    private static bool ReachedTogether(Exception e) =>
        e is TrainingCanceledException or TrainingDivergedException or InvalidOptionsException { Option: "distributed" };

    private static int ExitCodeOf(Exception e) => e switch
    {
        UsageException or InvalidOptionsException => ExitCodes.Usage,
        DataFileException => ExitCodes.DataFile,
        ModelFileException => ExitCodes.ModelFile,
        Core.Persistence.FileWriteException => ExitCodes.OutputFile,
        _ => ExitCodes.Failure,
    };
}
