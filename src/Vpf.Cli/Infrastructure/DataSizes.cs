using Vpf.Core.Data;

namespace Vpf.Cli;

/// <summary>The fewest rows a command can work with, checked once the data are loaded (exit 3, stating the minimum).</summary>
internal static class DataSizes
{
    /// <summary>Rows a t10k-only folder needs so that the 80/20 split leaves at least one training and one held-out image.</summary>
    public const int MinimumToSplit = 2;

    /// <summary>Throws unless <paramref name="count"/> images, declared by <paramref name="file"/>, can be split into training and held-out rows.</summary>
    public static void CheckSplittable(int count, string file, string what = "image")
    {
        if (count < MinimumToSplit)
            throw new DataFileException(file, DataFileProblem.TooFewRows,
                $"File '{Path.GetFileName(file)}' holds {count} {what}(s); at least {MinimumToSplit} are needed to split them 80/20 into training and held-out {what}s.");
    }

    /// <summary>Throws unless both parts of <paramref name="set"/> hold at least one row.</summary>
    public static void Check(DataSet set, string source)
    {
        if (set.Train.Count < 1)
            throw new DataFileException(source, DataFileProblem.TooFewRows, $"The data in '{source}' hold no training images; at least 1 is needed.");
        if (set.Test.Count < 1)
            throw new DataFileException(source, DataFileProblem.TooFewRows, $"The data in '{source}' hold no held-out images; at least 1 is needed.");
    }
}
