using Spectre.Console;

namespace Vpf.Cli;

/// <summary>What every command receives: where to write, whether to draw live progress, the cancellation token.</summary>
internal sealed class CliContext
{
    public CliContext(TextWriter output, bool plain, CancellationToken cancellation, IReadOnlyList<string> args, CliHooks? hooks)
    {
        Output = output;
        Plain = plain;
        Cancellation = cancellation;
        Args = args;
        Hooks = hooks ?? new CliHooks();
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = plain ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (plain) Console.Profile.Width = 140;
    }

    public IAnsiConsole Console { get; }

    public TextWriter Output { get; }

    /// <summary>True when output is redirected or captured: progress is printed as plain lines.</summary>
    public bool Plain { get; }

    public CancellationToken Cancellation { get; }

    /// <summary>The arguments as given, for provenance.</summary>
    public IReadOnlyList<string> Args { get; }

    public CliHooks Hooks { get; }

    /// <summary>The command line as a user would type it.</summary>
    public string CommandLine => "vpf " + string.Join(' ', Args.Select(Quote));

    public void Line(string text) => Console.WriteLine(text);

    public void Markup(string markup) => Console.MarkupLine(markup);

    /// <summary>Writes <paramref name="text"/> as it is, never wrapped: for lines meant to be copied, such as a command.</summary>
    public void Verbatim(string text)
    {
        Output.WriteLine(text);
        Output.Flush();
    }

    private static string Quote(string a) => a.Length == 0 || a.Any(char.IsWhiteSpace) ? $"\"{a}\"" : a;
}
