using Spectre.Console.Cli;

namespace Vpf.Cli.Commands;

/// <summary>Options of <c>vpf demo</c>.</summary>
public sealed class DemoSettings : CommonSettings
{
}

/// <summary><c>vpf demo</c>.</summary>
internal sealed class DemoCommand : Command<DemoSettings>
{
    public override int Execute(CommandContext context, DemoSettings settings, CancellationToken cancellationToken) => 0;
}
