using System.Buffers.Binary;
using Vpf.Cli;

namespace Vpf.Cli.Tests;

/// <summary>Runs the vpf command in-process and captures its output.</summary>
internal static class CliRunner
{
    public static (int Code, string Output) Run(params string[] args) => Run(null, default, args);

    public static (int Code, string Output) Run(CliHooks? hooks, CancellationToken token, params string[] args)
    {
        var output = new StringWriter();
        int code = VpfApp.Run(args, output, token, hooks);
        return (code, output.ToString());
    }
}

/// <summary>A temporary folder with a tiny MNIST-format data set: 6×6 images of two classes (bars and blocks).</summary>
internal sealed class TinyData : IDisposable
{
    public const int Side = 6;

    public TinyData(int train = 200, int test = 60)
    {
        Folder = Path.Combine(Path.GetTempPath(), "vpf-cli-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Write("train", train, seed: 1);
        Write("t10k", test, seed: 2);
    }

    public string Folder { get; }

    public string File(string name) => Path.Combine(Folder, name);

    private void Write(string prefix, int count, int seed)
    {
        var rng = new Random(seed);
        var pixels = new byte[count * Side * Side];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            int label = rng.Next(2);
            labels[i] = (byte)label;
            int offset = rng.Next(Side - 2);
            for (int r = 0; r < Side; r++)
                for (int c = 0; c < Side; c++)
                {
                    bool on = label == 0 ? c >= offset && c < offset + 2 : r >= offset && r < offset + 3 && c < 4;
                    if (rng.NextDouble() < 0.05) on = !on;
                    pixels[i * Side * Side + r * Side + c] = on ? (byte)255 : (byte)0;
                }
        }
        var images = new byte[16 + pixels.Length];
        BinaryPrimitives.WriteInt32BigEndian(images, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), Side);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), Side);
        pixels.CopyTo(images, 16);
        System.IO.File.WriteAllBytes(File($"{prefix}-images-idx3-ubyte"), images);
        var labelFile = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(labelFile, 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(labelFile.AsSpan(4), count);
        labels.CopyTo(labelFile, 8);
        System.IO.File.WriteAllBytes(File($"{prefix}-labels-idx1-ubyte"), labelFile);
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
    }
}
