using System.ComponentModel;
using Spectre.Console.Cli;
using Vpf.Kernels;

namespace Vpf.Cli;

/// <summary>Options every command takes: seed, threads and where the data come from.</summary>
public class CommonSettings : CommandSettings
{
    /// <summary>Seed of every random choice (initialisation, shuffling, sampling, corruption).</summary>
    [CommandOption("--seed <N>")]
    [Description("Seed of every random choice; the same seed gives the same result on the same machine and thread count.")]
    [DefaultValue(1)]
    public int Seed { get; init; } = 1;

    /// <summary>Worker threads of the kernels (0 = all cores).</summary>
    [CommandOption("--threads <N>")]
    [Description("Worker threads of the matrix kernels (0 = all cores).")]
    [DefaultValue(0)]
    public int Threads { get; init; }

    /// <summary>A folder of MNIST-format IDX files.</summary>
    [CommandOption("--data <DIR>")]
    [Description("A folder of MNIST-format IDX files (train-images-idx3-ubyte, optionally .gz, and the other three; with only the t10k pair it is split 80/20). Default: the shipped Fashion-MNIST test set, split 8,000/2,000.")]
    public string? Data { get; init; }

    /// <summary>Use Debian's full Fashion-MNIST.</summary>
    [CommandOption("--full")]
    [Description("Use the full Fashion-MNIST (60,000 + 10,000 images) from " + DataSource.DebianFolder + " (apt-get install dataset-fashion-mnist).")]
    public bool Full { get; init; }

    /// <summary>A numeric table (CSV) instead of IDX images.</summary>
    [CommandOption("--data-csv <FILE>")]
    [Description("A numeric table in CSV (header row required; comma, semicolon or tab separated) instead of IDX images: the first 80% of its rows train, the last 20% are held out. See docs/cli.md for the rules.")]
    public string? DataCsv { get; init; }

    /// <summary>The label column of <c>--data-csv</c>.</summary>
    [CommandOption("--label-column <NAME>")]
    [Description("With --data-csv: the column holding the labels (whole numbers 0-255, or any texts, which become classes 0, 1, … in sorted order); the other columns are the values. Default: no labels.")]
    public string? LabelColumn { get; init; }

    /// <summary>The field separator of <c>--data-csv</c>.</summary>
    [CommandOption("--csv-separator <SEP>")]
    [Description("With --data-csv: comma, semicolon or tab. Default: detected from the header row.")]
    public string? CsvSeparator { get; init; }

    /// <summary>Use at most this many training images.</summary>
    [CommandOption("--train-rows <N>")]
    [Description("Use at most the first N training images (0 = all).")]
    public int TrainRows { get; init; }

    /// <summary>Use at most this many held-out images.</summary>
    [CommandOption("--test-rows <N>")]
    [Description("Use at most the first N held-out images (0 = all).")]
    public int TestRows { get; init; }

    /// <summary>Flip every binarised pixel (x → 1 − x) of the training and held-out images.</summary>
    [CommandOption("--inverted")]
    [Description("Flip every binarised pixel (x → 1 − x) of the training and held-out images: the same images at the other polarity, where most pixels are on. Binary images only.")]
    public bool Inverted { get; init; }

    /// <summary>The separator <c>--csv-separator</c> names, or null to detect it.</summary>
    internal char? Separator => CsvSeparator?.ToLowerInvariant() switch
    {
        null => null,
        "comma" or "," => ',',
        "semicolon" or ";" => ';',
        "tab" or "\\t" or "\t" => '\t',
        _ => throw new UsageException("--csv-separator", $"expected comma, semicolon or tab; got '{CsvSeparator}'."),
    };

    /// <summary>
    /// Checks the common options and applies <c>--threads</c>; <paramref name="fullTakesData"/>: <c>--full</c> names a
    /// kind of run that <c>--data</c> may point at another folder (<c>vpf demo --full</c>).
    /// </summary>
    internal void Apply(bool fullTakesData = false)
    {
        if (Threads < 0) throw new UsageException("--threads", $"must be ≥ 0; got {Threads}.");
        if (TrainRows < 0) throw new UsageException("--train-rows", $"must be ≥ 0; got {TrainRows}.");
        if (TestRows < 0) throw new UsageException("--test-rows", $"must be ≥ 0; got {TestRows}.");
        if (Full && Data is not null && !fullTakesData) throw new UsageException("--full", "cannot be combined with --data.");
        if (DataCsv is not null && (Full || Data is not null))
            throw new UsageException("--data-csv", $"cannot be combined with {(Full ? "--full" : "--data")}: give one source of data.");
        if (DataCsv is null && LabelColumn is not null) throw new UsageException("--label-column", "applies to --data-csv only.");
        if (DataCsv is null && CsvSeparator is not null) throw new UsageException("--csv-separator", "applies to --data-csv only.");
        if (Inverted && DataCsv is not null) throw new UsageException("--inverted", "applies to images binarised to 0/1; a table (--data-csv) has no polarity to invert.");
        _ = Separator;
        KernelSettings.MaxThreads = Threads == 0 ? Environment.ProcessorCount : Threads;
    }
}
