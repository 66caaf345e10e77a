namespace Vpf.Core.Tests.Documentation;

/// <summary>The README's code and commands are the ones the build compiles and CI runs.</summary>
public class ReadmeTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void Readme_quotes_the_compiled_quick_start_verbatim()
    {
        string readme = File.ReadAllText(Path.Combine(Root, "README.md")).ReplaceLineEndings("\n");
        string sample = File.ReadAllText(Path.Combine(Root, "samples", "QuickStart", "Program.cs")).ReplaceLineEndings("\n");
        Assert.Contains("```csharp\n" + sample + "```", readme);
    }

    [Fact]
    public void Ci_runs_exactly_the_readme_test_command()
    {
        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        string ci = File.ReadAllText(Path.Combine(Root, ".ci", "run"));
        const string command = "dotnet test Vpf.Hybrid.sln -c Release";
        Assert.Contains(command, readme);
        Assert.Contains(command, ci);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Vpf.Hybrid.sln"))) return dir.FullName;
        throw new InvalidOperationException("Vpf.Hybrid.sln not found above " + AppContext.BaseDirectory);
    }
}
