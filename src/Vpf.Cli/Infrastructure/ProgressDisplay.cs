using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Vpf.Cli;

/// <summary>Reports progress of one long task: a value out of a total plus a short status.</summary>
internal interface IProgressHandle
{
    void Report(double value, string? status = null);
}

/// <summary>
/// Progress with an ETA: a Spectre.Console progress bar on an interactive terminal, plain lines (at most one every
/// few seconds, and one at the end) when output is redirected or captured.
/// </summary>
internal static class ProgressDisplay
{
    /// <summary>Seconds between plain progress lines.</summary>
    public static double PlainInterval { get; set; } = 5;

    public static T Track<T>(CliContext context, string description, double total, Func<IProgressHandle, T> work)
    {
        if (context.Plain)
        {
            var plain = new PlainHandle(context, description, total);
            var result = work(plain);
            plain.Finish();
            return result;
        }
        T? value = default;
        context.Console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(),
                     new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(description), maxValue: Math.Max(total, 1e-9));
                value = work(new LiveHandle(task, description));
                task.Value = task.MaxValue;
                task.StopTask();
            });
        return value!;
    }

    private sealed class LiveHandle(ProgressTask task, string description) : IProgressHandle
    {
        public void Report(double value, string? status = null)
        {
            task.Value = value;
            task.Description = Markup.Escape(status is null ? description : $"{description} {status}");
        }
    }

    private sealed class PlainHandle(CliContext context, string description, double total) : IProgressHandle
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private double _lastPrint = double.NegativeInfinity;
        private double _value;
        private string? _status;

        public void Report(double value, string? status = null)
        {
            (_value, _status) = (value, status);
            double now = _clock.Elapsed.TotalSeconds;
            if (now - _lastPrint < PlainInterval || value >= total) return;
            _lastPrint = now;
            Print(now);
        }

        public void Finish() => Print(_clock.Elapsed.TotalSeconds);

        private void Print(double now)
        {
            double fraction = total > 0 ? Math.Clamp(_value / total, 0, 1) : 1;
            string eta = fraction > 0 && fraction < 1 ? $", ETA {Seconds(now * (1 - fraction) / fraction)}" : "";
            context.Line(string.Create(CultureInfo.InvariantCulture,
                $"{description}{(_status is null ? "" : " " + _status)}: {fraction:P0} after {Seconds(now)}{eta}"));
        }
    }

    public static string Seconds(double s) =>
        s < 60 ? string.Create(CultureInfo.InvariantCulture, $"{s:F1} s") : TimeSpan.FromSeconds(Math.Round(s)).ToString(@"m\:ss", CultureInfo.InvariantCulture);
}
