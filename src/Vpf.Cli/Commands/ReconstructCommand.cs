using Spectre.Console.Cli;

namespace Vpf.Cli.Commands;

/// <summary>Options of <c>vpf reconstruct</c>.</summary>
public sealed class ReconstructSettings : CommonSettings
{
}

/// <summary><c>vpf reconstruct</c>.</summary>
internal sealed class ReconstructCommand : Command<ReconstructSettings>
{
    public override int Execute(CommandContext context, ReconstructSettings settings, CancellationToken cancellationToken) => 0;
}
