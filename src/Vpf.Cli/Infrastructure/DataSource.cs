using Vpf.Core.Data;

namespace Vpf.Cli;

/// <summary>
/// Training and held-out data as chosen by <c>--data</c>, <c>--full</c>, <c>--data-csv</c> or the default, with a
/// description: binarised images (<see cref="BinaryDataset"/>) for binary visible units, grey levels or table values
/// (<see cref="RealDataset"/>) for Gaussian ones and for tables.
/// </summary>
/// <param name="Train">The training rows.</param>
/// <param name="Test">The held-out rows.</param>
/// <param name="Description">Where the data come from and how they were split, for messages and the model file.</param>
/// <param name="Columns">The names of a table's value columns (<c>--data-csv</c>); null for images.</param>
/// <param name="Standardisation">The standardisation the rows went through (Gaussian visible units), or null for raw rows.</param>
internal sealed record DataSet(Dataset Train, Dataset Test, string Description, IReadOnlyList<string>? Columns = null,
    Standardisation? Standardisation = null)
{
    /// <summary>Whether the rows are images (a shape to draw them in), rather than rows of a table.</summary>
    public bool AreImages => Test.ImageRows > 0 && Test.ImageColumns > 0;

    /// <summary>Both parts standardised by <paramref name="standardisation"/> (which is recorded).</summary>
    public DataSet Standardised(Standardisation standardisation) => this with
    {
        Train = standardisation.Apply(Train),
        Test = standardisation.Apply(Test),
        Standardisation = standardisation,
        Description = Description + "; standardised per column",
    };
}

/// <summary>Finds and loads the data a command works on.</summary>
internal static class DataSource
{
    /// <summary>Where Debian's dataset-fashion-mnist package installs its four files.</summary>
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The shipped data, relative to the repository root.</summary>
    public static readonly string ShippedFolder = Path.Combine("data", "fashion-mnist");

    private const string TestImages = "t10k-images-idx3-ubyte", TestLabels = "t10k-labels-idx1-ubyte";

    /// <summary>Rows of the shipped 10,000 images used for training; the rest are held out.</summary>
    public const int ShippedTrainCount = 8000;

    public static bool DebianAvailable => File.Exists(Path.Combine(DebianFolder, "train-images-idx3-ubyte.gz"))
        || File.Exists(Path.Combine(DebianFolder, "train-images-idx3-ubyte"));

    /// <summary>
    /// Loads the data; <c>--train-rows</c> and <c>--test-rows</c> reach the IDX reader, so memory follows the rows used
    /// rather than the counts the files declare (every file is still checked whole). Images are binarised, or with
    /// <paramref name="greyLevels"/> read as grey levels in [0, 1]; a table (<c>--data-csv</c>) is read as its values.
    /// </summary>
    public static DataSet Load(CommonSettings s, bool greyLevels = false)
    {
        if (s.Inverted && greyLevels)
            throw new UsageException("--inverted", "applies to binary visible units (images binarised to 0/1); grey levels for Gaussian visible units have no polarity to invert.");
        DataSet set;
        if (s.DataCsv is not null)
            set = LoadTable(s);
        else if (s.Full)
        {
            if (!DebianAvailable)
                throw new DataFileException(DebianFolder, DataFileProblem.Missing,
                    $"--full needs the full Fashion-MNIST in {DebianFolder}, which is not installed; run 'apt-get install dataset-fashion-mnist' or pass --data DIR.");
            var (train, test) = greyLevels ? Grey(MnistFolder.LoadGreyLevels(DebianFolder, s.TrainRows, s.TestRows)) : Binary(MnistFolder.LoadFirst(DebianFolder, s.TrainRows, s.TestRows));
            set = new DataSet(train, test, $"Fashion-MNIST from {DebianFolder}: {train.Count:N0} training, {test.Count:N0} held-out images");
        }
        else if (s.Data is not null)
            set = LoadFolder(s.Data, s, greyLevels);
        else
        {
            string folder = FindShipped() ?? throw new UsageException("--data",
                $"the shipped data folder '{ShippedFolder}' was not found above the current directory or the program; pass --data DIR.");
            string images = Path.Combine(folder, TestImages + ".gz");
            int count = IdxReader.ReadImages(images, 0, 0).CountInFile;
            int first = count == 10000 ? ShippedTrainCount : count * 4 / 5;
            var (train, test) = LoadSplit(images, Path.Combine(folder, TestLabels + ".gz"), first, s, greyLevels);
            set = new DataSet(train, test, $"shipped Fashion-MNIST test set ({ShippedFolder}), first {first:N0} images for training, last {count - first:N0} held out");
        }
        if (s.TrainRows > 0 && s.TrainRows == set.Train.Count)
            set = set with { Description = set.Description + $"; first {s.TrainRows:N0} training images used" };
        if (s.TestRows > 0 && s.TestRows == set.Test.Count)
            set = set with { Description = set.Description + $"; first {s.TestRows:N0} held-out images used" };
        DataSizes.Check(set, s.DataCsv ?? (s.Full ? DebianFolder : s.Data ?? ShippedFolder));
        if (greyLevels && s.DataCsv is null) set = set with { Description = set.Description + " as grey levels" };
        if (s.Inverted) set = Inverted(set);
        return set;
    }

    /// <summary>The images of <paramref name="set"/> with every binarised pixel flipped (<c>--inverted</c>).</summary>
    private static DataSet Inverted(DataSet set)
    {
        if (set.Train is not BinaryDataset train || set.Test is not BinaryDataset test)
            throw new UsageException("--inverted", "applies to images binarised to 0/1.");
        return set with { Train = train.Inverted(), Test = test.Inverted(), Description = set.Description + "; every pixel inverted (x → 1 − x)" };
    }

    /// <summary>
    /// The table of <c>--data-csv</c>: the first 80% of its rows for training and the rest held out, then the first
    /// <c>--train-rows</c> / <c>--test-rows</c> of each.
    /// </summary>
    private static DataSet LoadTable(CommonSettings s)
    {
        string path = s.DataCsv!;
        var table = CsvTable.Load(path, new CsvOptions { LabelColumn = s.LabelColumn, Separator = s.Separator });
        var all = table.Data;
        DataSizes.CheckSplittable(all.Count, path, "row");
        int first = all.Count * 4 / 5;
        int trainRows = s.TrainRows > 0 ? Math.Min(s.TrainRows, first) : first;
        int testRows = s.TestRows > 0 ? Math.Min(s.TestRows, all.Count - first) : all.Count - first;
        string labels = table.LabelColumn is null ? "no labels"
            : table.LabelNames is null ? $"labels from column '{table.LabelColumn}'"
            : $"labels from column '{table.LabelColumn}' as classes {string.Join(", ", table.LabelNames.Select((n, i) => $"{i} = {n}"))}";
        return new DataSet(all.Subset(0, trainRows), all.Subset(first, testRows),
            $"{path}: {all.Count:N0} rows of {all.Dimension} columns ({labels}), split {first:N0}/{all.Count - first:N0}", table.Columns);
    }

    private static (Dataset, Dataset) Grey((RealDataset Train, RealDataset Test) pair) => pair;

    private static (Dataset, Dataset) Binary((BinaryDataset Train, BinaryDataset Test) pair) => pair;

    private static DataSet LoadFolder(string folder, CommonSettings s, bool greyLevels)
    {
        DataFolder.Check(folder);
        bool hasTrain = Exists(folder, "train-images-idx3-ubyte");
        if (!hasTrain && Exists(folder, TestImages))
        {
            string images = Pick(folder, TestImages);
            int count = IdxReader.ReadImages(images, 0, 0).CountInFile;
            if (count > 0) // an empty file is reported as such by the loader
                DataSizes.CheckSplittable(count, images);
            int first = count * 4 / 5;
            var (train, test) = LoadSplit(images, Exists(folder, TestLabels) ? Pick(folder, TestLabels) : null, first, s, greyLevels);
            return new DataSet(train, test, $"{folder}: t10k files split {first:N0}/{count - first:N0}");
        }
        var (tr, te) = greyLevels ? Grey(MnistFolder.LoadGreyLevels(folder, s.TrainRows, s.TestRows)) : Binary(MnistFolder.LoadFirst(folder, s.TrainRows, s.TestRows));
        return new DataSet(tr, te, $"{folder}: {tr.Count:N0} training, {te.Count:N0} held-out images");
    }

    /// <summary>
    /// Rows [0, <paramref name="first"/>) for training and the rest held out, each read only as far as
    /// <c>--train-rows</c> / <c>--test-rows</c> need, so memory follows the rows used rather than the declared count.
    /// </summary>
    private static (Dataset Train, Dataset Test) LoadSplit(string images, string? labels, int first, CommonSettings s, bool greyLevels)
    {
        int trainRows = s.TrainRows > 0 ? Math.Min(s.TrainRows, first) : first, testRows = s.TestRows > 0 ? s.TestRows : int.MaxValue;
        return greyLevels
            ? (RealDataset.LoadIdxRows(images, labels, 0, trainRows), RealDataset.LoadIdxRows(images, labels, first, testRows))
            : (BinaryDataset.LoadIdxRows(images, labels, 0, trainRows), BinaryDataset.LoadIdxRows(images, labels, first, testRows));
    }

    private static bool Exists(string folder, string name) =>
        File.Exists(Path.Combine(folder, name)) || File.Exists(Path.Combine(folder, name + ".gz"));

    private static string Pick(string folder, string name) =>
        File.Exists(Path.Combine(folder, name)) ? Path.Combine(folder, name) : Path.Combine(folder, name + ".gz");

    /// <summary>
    /// The shipped data folder: <c>data/fashion-mnist</c> under the current directory or one of its parents, or under
    /// the folder holding <c>Vpf.Hybrid.sln</c> found by walking up from the program.
    /// </summary>
    public static string? FindShipped()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, ShippedFolder);
                if (File.Exists(Path.Combine(candidate, TestImages + ".gz")))
                    return candidate;
                if (File.Exists(Path.Combine(dir.FullName, "Vpf.Hybrid.sln")))
                    break;
            }
        }
        return null;
    }
}
