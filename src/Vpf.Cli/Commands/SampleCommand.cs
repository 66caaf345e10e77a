using Spectre.Console.Cli;

namespace Vpf.Cli.Commands;

/// <summary>Options of <c>vpf sample</c>.</summary>
public sealed class SampleSettings : CommonSettings
{
}

/// <summary><c>vpf sample</c>.</summary>
internal sealed class SampleCommand : Command<SampleSettings>
{
    public override int Execute(CommandContext context, SampleSettings settings, CancellationToken cancellationToken) => 0;
}
