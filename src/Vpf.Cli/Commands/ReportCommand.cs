using Spectre.Console.Cli;

namespace Vpf.Cli.Commands;

/// <summary>Options of <c>vpf report</c>.</summary>
public sealed class ReportSettings : CommonSettings
{
}

/// <summary><c>vpf report</c>.</summary>
internal sealed class ReportCommand : Command<ReportSettings>
{
    public override int Execute(CommandContext context, ReportSettings settings, CancellationToken cancellationToken) => 0;
}
