namespace Vpf.Core.Data;

/// <summary>
/// Loads MNIST or Fashion-MNIST from a folder holding the four files under their usual names
/// (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte),
/// each raw or with a .gz suffix. Nothing is downloaded.
/// </summary>
public static class MnistFolder
{
    /// <summary>Base names of the four files, without the optional .gz.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>
    /// Loads the training and test sets with their labels, binarised by <paramref name="options"/>.
    /// When both a raw and a .gz copy exist the raw one is read (it is faster). With a stochastic rule
    /// the test set draws from streams distinct from the training set's, though both come from one seed.
    /// </summary>
    /// <exception cref="DataFileException">
    /// A file is missing (<see cref="DataFileProblem.Missing"/>, naming the directory and the names looked for),
    /// or malformed, or images and labels disagree.
    /// </exception>
    public static (BinaryDataset Train, BinaryDataset Test) Load(string directory, BinarisationOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        DataFolder.Check(directory);
        string[] paths = FileNames.Select(name => Find(directory, name)).ToArray();
        BinaryDataset train = BinaryDataset.LoadIdx(paths[0], paths[1], options, streamSalt: 0);
        BinaryDataset test = BinaryDataset.LoadIdx(paths[2], paths[3], options, streamSalt: 1);
        return (train, test);
    }

    /// <summary>
    /// As <see cref="Load(string, BinarisationOptions?)"/>, keeping only the first <paramref name="maxTrainRows"/>
    /// training and <paramref name="maxTestRows"/> test images (0 = all): memory follows the rows kept, not the counts
    /// the files declare, while every file is still checked whole.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A row limit is negative.</exception>
    /// <exception cref="DataFileException">As for <see cref="Load(string, BinarisationOptions?)"/>.</exception>
    public static (BinaryDataset Train, BinaryDataset Test) LoadFirst(string directory, int maxTrainRows, int maxTestRows, BinarisationOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTrainRows);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTestRows);
        DataFolder.Check(directory);
        string[] paths = FileNames.Select(name => Find(directory, name)).ToArray();
        BinaryDataset train = BinaryDataset.LoadIdx(paths[0], paths[1], options, streamSalt: 0, 0, maxTrainRows == 0 ? int.MaxValue : maxTrainRows);
        BinaryDataset test = BinaryDataset.LoadIdx(paths[2], paths[3], options, streamSalt: 1, 0, maxTestRows == 0 ? int.MaxValue : maxTestRows);
        return (train, test);
    }

    /// <summary>
    /// The training and test sets as grey levels in [0, 1] (intensity / 255, <see cref="RealDataset.LoadIdx"/>) with their
    /// labels, keeping only the first <paramref name="maxTrainRows"/> training and <paramref name="maxTestRows"/> test
    /// images (0 = all); every file is still checked whole.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A row limit is negative.</exception>
    /// <exception cref="DataFileException">As for <see cref="Load(string, BinarisationOptions?)"/>.</exception>
    public static (RealDataset Train, RealDataset Test) LoadGreyLevels(string directory, int maxTrainRows = 0, int maxTestRows = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTrainRows);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTestRows);
        DataFolder.Check(directory);
        string[] paths = FileNames.Select(name => Find(directory, name)).ToArray();
        RealDataset train = RealDataset.LoadIdxRows(paths[0], paths[1], 0, maxTrainRows == 0 ? int.MaxValue : maxTrainRows);
        RealDataset test = RealDataset.LoadIdxRows(paths[2], paths[3], 0, maxTestRows == 0 ? int.MaxValue : maxTestRows);
        return (train, test);
    }

    private static string Find(string directory, string name)
    {
        string raw = Path.Combine(directory, name), gz = raw + ".gz";
        if (File.Exists(raw))
            return raw;
        if (File.Exists(gz))
            return gz;
        string where = Directory.Exists(directory)
            ? $"directory '{Path.GetFullPath(directory)}'"
            : $"directory '{Path.GetFullPath(directory)}', which does not exist";
        throw new DataFileException(raw, DataFileProblem.Missing,
            $"File '{name}' not found in {where}: looked for '{name}' and '{name}.gz'.");
    }
}
