using Vpf.Core.Model;
using Vpf.Core.Training;

namespace Vpf.Cli.Reporting;

/// <summary>Clean, corrupted and reconstructed images for one corruption.</summary>
internal sealed record ReconstructionExample(string Corruption, int Rows, float[] Clean, float[] Corrupted, float[] Reconstructed);

/// <summary>One model's part of a report.</summary>
internal sealed record ReportModel(string Name, string Method, DeepBoltzmannMachine Model, IReadOnlyList<CurvePoint> Curve)
{
    public float[]? Samples { get; init; }
    public int SampleCount { get; init; }
    public string? SampleNote { get; init; }
    public IReadOnlyList<ReconstructionExample> Reconstructions { get; init; } = [];
}

/// <summary>Everything a report shows.</summary>
internal sealed record ReportContent(string Title, string CommandLine, string DataDescription, int ImageRows, int ImageColumns)
{
    public List<ReportModel> Models { get; } = [];
    public List<string> TableHeader { get; init; } = [];
    public List<List<string>> TableRows { get; } = [];
    public List<(string Name, string Value)> Options { get; } = [];

    /// <summary>Per model, the <c>vpf train</c> command that trains it again (<see cref="TrainCommandLine"/>).</summary>
    public List<(string Name, string Command)> TrainCommands { get; } = [];
    public List<string> Notes { get; } = [];
}
