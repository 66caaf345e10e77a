namespace Vpf.Core.Data;

/// <summary>The two kinds of IDX file the data layer reads; the value is the number of dimensions.</summary>
internal enum IdxKind
{
    /// <summary>count × rows × columns unsigned bytes, magic 0x00000803.</summary>
    Images = 3,

    /// <summary>count unsigned bytes, magic 0x00000801.</summary>
    Labels = 1,
}

/// <summary>Magic numbers and wording of each <see cref="IdxKind"/>.</summary>
internal static class IdxKindText
{
    /// <summary>IDX element type code of unsigned bytes, the only one MNIST-style files use.</summary>
    public const int UnsignedByte = 0x08;

    public static int Dimensions(this IdxKind kind) => (int)kind;

    public static uint Magic(this IdxKind kind) => (uint)(UnsignedByte << 8 | (int)kind);

    public static int HeaderLength(this IdxKind kind) => 4 + 4 * kind.Dimensions();

    public static string Noun(this IdxKind kind) => kind == IdxKind.Images ? "image" : "label";

    /// <summary>"10000 images of 28×28" or "10000 labels": what the header promises, for messages.</summary>
    public static string Describe(this IdxKind kind, uint[] sizes)
        => kind == IdxKind.Images
            ? $"{sizes[0]} images of {sizes[1]}×{sizes[2]}"
            : $"{sizes[0]} labels";

    /// <summary>A guess at what a file with magic number <paramref name="magic"/> really is.</summary>
    public static string GuessFromMagic(uint magic)
    {
        if (magic >> 16 != 0)
            return "not an IDX file";
        int type = (int)(magic >> 8) & 0xff, dims = (int)magic & 0xff;
        if (type == UnsignedByte)
            return dims switch
            {
                1 => "a label file?",
                3 => "an image file?",
                _ => $"an IDX file of {dims} dimensions",
            };
        string? name = type switch
        {
            0x09 => "signed bytes",
            0x0B => "16-bit integers",
            0x0C => "32-bit integers",
            0x0D => "32-bit floats",
            0x0E => "64-bit floats",
            _ => null,
        };
        return name is null
            ? $"unknown IDX element type 0x{type:X2}"
            : $"IDX elements are {name}; only unsigned bytes (type 0x08) are supported";
    }
}
