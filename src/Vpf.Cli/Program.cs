using Vpf.Cli;

// Ctrl-C asks a running training to stop at the next batch, write a checkpoint and exit with code 130;
// a second Ctrl-C ends the process at once.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (cancellation.IsCancellationRequested) return;
    e.Cancel = true;
    cancellation.Cancel();
};
return VpfApp.Run(args, Console.Out, cancellation.Token);
