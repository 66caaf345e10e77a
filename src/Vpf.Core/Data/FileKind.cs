namespace Vpf.Core.Data;

/// <summary>What a path names on disk, as far as writing over it is concerned.</summary>
internal enum FileKind
{
    /// <summary>Nothing is there.</summary>
    Missing,

    /// <summary>A regular file (the only kind a write may replace).</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A device node, FIFO, socket or anything else that is neither a regular file nor a directory.</summary>
    Special,
}
