using Vpf.Core.Data;
using Vpf.Core.Tests.Data;
using Vpf.Core.Tests.Persistence;

namespace Vpf.Core.Tests.Hostile;

public class GzipDamageTests
{
    private static byte[] Good() => IdxTestFiles.Gzip(IdxTestFiles.ImageFile(40, 6, 6, IdxTestFiles.Bytes(40 * 36, seed: 7)));

    [Theory]
    [InlineData("method", "bad header: compression method 7")]
    [InlineData("flags", "bad header: reserved flag bits")]
    [InlineData("crc", "bad CRC")]
    [InlineData("length", "bad length")]
    [InlineData("truncated", "truncated")]
    [InlineData("data", "damaged compressed data")]
    public void Each_kind_of_gzip_damage_is_named(string damage, string expected)
    {
        using var folder = new TempFolder();
        byte[] gz = Good();
        switch (damage)
        {
            case "method": gz[2] = 7; break;
            case "flags": gz[3] = 0xE0; break;
            case "crc": gz[^8] ^= 0x01; break;
            case "length": gz[^3] ^= 0x01; break;
            case "truncated": gz = gz[..(gz.Length * 2 / 3)]; break;
            case "data": gz[10] = 0x07; break; // final block of the reserved type 3
        }
        string path = folder.File("t10k-images-idx3-ubyte.gz");
        File.WriteAllBytes(path, gz);
        var e = Assert.Throws<DataFileException>(() => IdxReader.ReadImages(path));
        Assert.Equal(DataFileProblem.CorruptGzip, e.Problem);
        Assert.Contains("t10k-images-idx3-ubyte.gz", e.Message);
        Assert.Contains("corrupt gzip", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_data_folder_that_is_a_file_or_missing_is_told_apart()
    {
        using var folder = new TempFolder();
        string file = folder.File("images");
        File.WriteAllText(file, "x");
        var e = Assert.Throws<DataFileException>(() => MnistFolder.Load(file));
        Assert.Equal(DataFileProblem.NotAFolder, e.Problem);
        Assert.Contains("not a folder", e.Message);
        e = Assert.Throws<DataFileException>(() => MnistFolder.Load(folder.File("absent")));
        Assert.Equal(DataFileProblem.Missing, e.Problem);

        // Permissions do not stop root, so the unreadable case can only be shown as another user.
        if (!OperatingSystem.IsLinux() || Environment.UserName == "root") return;
        string locked = folder.File("locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, UnixFileMode.None);
        try
        {
            e = Assert.Throws<DataFileException>(() => MnistFolder.Load(locked));
            Assert.Equal(DataFileProblem.Unreadable, e.Problem);
            Assert.Contains("cannot be read", e.Message);
        }
        finally
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
