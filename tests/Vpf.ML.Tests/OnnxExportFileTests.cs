using System.Diagnostics;
using Vpf.Core.Model;
using Vpf.Core.Persistence;
using Vpf.Onnx;
using Xunit.Abstractions;

namespace Vpf.ML.Tests;

/// <summary>
/// <see cref="VpfOnnxExport.Write(DeepBoltzmannMachine, string, OnnxExportOptions?)"/> replaces a file only by a
/// complete new one: every failure leaves the file that was there byte for byte, and no temporary file.
/// </summary>
public sealed class OnnxExportFileTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vpf-onnx-file-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static DeepBoltzmannMachine Model(int seed) => TestData.RandomModel(Architecture.Rbm(TestData.Pixels, 6), seed);

    private string[] OtherFiles(string keep) => Directory.GetFiles(_folder).Where(f => f != keep).ToArray();

    [Fact]
    public void An_option_error_leaves_the_old_file_unchanged()
    {
        string path = Path.Combine(_folder, "features.onnx");
        VpfOnnxExport.Write(Model(1), path);
        byte[] old = File.ReadAllBytes(path);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => VpfOnnxExport.Write(Model(2), path, new OnnxExportOptions { MeanFieldSweeps = -1 }));
        Assert.Equal("MeanFieldSweeps", e.ParamName);
        Assert.Equal(old, File.ReadAllBytes(path));
        Assert.Empty(OtherFiles(path));
    }

    [Fact]
    public void A_new_file_replaces_the_old_one_whole()
    {
        string path = Path.Combine(_folder, "features.onnx");
        VpfOnnxExport.Write(Model(1), path);
        VpfOnnxExport.Write(Model(2), path);
        Assert.Equal(VpfOnnxExport.ToBytes(Model(2)), File.ReadAllBytes(path));
        Assert.Empty(OtherFiles(path));
    }

    [Fact]
    public void A_symbolic_link_is_refused_and_the_file_it_points_to_is_unchanged()
    {
        string target = Path.Combine(_folder, "real.onnx"), link = Path.Combine(_folder, "link.onnx");
        VpfOnnxExport.Write(Model(1), target);
        byte[] old = File.ReadAllBytes(target);
        File.CreateSymbolicLink(link, target);
        var e = Assert.Throws<FileWriteException>(() => VpfOnnxExport.Write(Model(2), link));
        Assert.Contains("'" + link + "'", e.Message);
        Assert.Contains("symbolic link", e.Message);
        Assert.Equal(old, File.ReadAllBytes(target));
        Assert.NotNull(new FileInfo(link).LinkTarget);
    }

    [Fact]
    public void A_write_that_fails_leaves_the_old_file_unchanged_and_no_temporary_file()
    {
        string path = Path.Combine(_folder, "features.onnx");
        VpfOnnxExport.Write(Model(1), path);
        byte[] old = File.ReadAllBytes(path);
        // The existing file stays writable, but no new file can be made next to it: a writer that truncates the target
        // in place would succeed, one that writes a temporary file and renames it fails before touching the target.
        if (!LockFolder())
        {
            log.WriteLine("SKIPPED: no way to forbid new files in the folder here (root ignores permissions, and 'chattr +i' is not available).");
            return;
        }
        try
        {
            var e = Assert.Throws<FileWriteException>(() => VpfOnnxExport.Write(Model(2), path));
            Assert.Equal(path, e.FilePath);
            Assert.Contains("'" + path + "'", e.Message);
            Assert.Contains("The file that was there is unchanged", e.Message);
        }
        finally
        {
            UnlockFolder();
        }
        Assert.Equal(old, File.ReadAllBytes(path));
        Assert.Empty(OtherFiles(path));
    }

    /// <summary>Forbids creating files in the test's folder: read-only for a normal user, immutable for root.</summary>
    private bool LockFolder()
    {
        if (!OperatingSystem.IsLinux()) return false;
        if (Environment.UserName != "root")
        {
            File.SetUnixFileMode(_folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            return true;
        }
        return Run("chattr", "+i", _folder);
    }

    private void UnlockFolder()
    {
        if (Environment.UserName == "root") Assert.True(Run("chattr", "-i", _folder), "could not make the test folder mutable again");
        else if (OperatingSystem.IsLinux()) File.SetUnixFileMode(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static bool Run(string file, params string[] args)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
