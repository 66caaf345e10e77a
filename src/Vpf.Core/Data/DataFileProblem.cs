namespace Vpf.Core.Data;

/// <summary>What is wrong with a data file; carried by <see cref="DataFileException.Problem"/>.</summary>
public enum DataFileProblem
{
    /// <summary>The file (or its directory) does not exist.</summary>
    Missing,

    /// <summary>The file exists but could not be read (permissions, a directory, an I/O error).</summary>
    Unreadable,

    /// <summary>The file holds no bytes, or its header declares zero items where a non-empty set is required.</summary>
    Empty,

    /// <summary>The first four bytes are not the magic number of the expected kind of IDX file.</summary>
    WrongMagicNumber,

    /// <summary>The file ends before its header, or before the payload the header promises.</summary>
    Truncated,

    /// <summary>More bytes follow the payload the header promises.</summary>
    TrailingBytes,

    /// <summary>The header declares sizes that are zero or too large to hold in memory.</summary>
    BadDimensions,

    /// <summary>An images file and its labels file disagree on how many items they hold.</summary>
    CountMismatch,

    /// <summary>The file starts with the gzip magic number but its compressed stream is damaged.</summary>
    CorruptGzip,

    /// <summary>A path given as a data folder names a file (or a device), not a folder.</summary>
    NotAFolder,

    /// <summary>The data hold fewer rows than a split or a training run needs; the message states the minimum.</summary>
    TooFewRows,

    /// <summary>A cell of a table is not a finite number (text, NaN, an infinity or a value beyond float range), or is empty.</summary>
    BadValue,

    /// <summary>A row of a table has another number of fields than its header.</summary>
    RaggedRow,

    /// <summary>A column asked for by name (e.g. the label column) is not in the table's header.</summary>
    MissingColumn,

    /// <summary>A table's header is unusable: a duplicate or empty column name, no value columns, an unterminated quote.</summary>
    BadHeader,
}
