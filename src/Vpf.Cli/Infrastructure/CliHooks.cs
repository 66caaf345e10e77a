using Vpf.Core.Training;

namespace Vpf.Cli;

/// <summary>Test seams: callbacks the commands invoke so that tests can cancel a run at a chosen batch.</summary>
internal sealed class CliHooks
{
    /// <summary>Called after every training batch.</summary>
    public Action<TrainingProgress>? AfterBatch { get; init; }
}
