using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;

namespace Vpf.Packaging.Tests;

/// <summary>
/// The libraries pack as NuGet packages a user can consume: the test packs them into a local folder and builds and
/// runs samples/QuickStart against the packages from that folder only (no project references, no other feed), as a
/// user's project would after <c>dotnet add package Vpf.Core --source &lt;folder&gt;</c>.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PackageTests : IDisposable
{
    private static readonly string[] Libraries = ["Vpf.Kernels", "Vpf.Core", "Vpf.Onnx", "Vpf.ML", "Vpf.Distributed"];
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "vpf-packages-" + Guid.NewGuid().ToString("N")[..8]);

    public PackageTests() => Directory.CreateDirectory(_temp);

    public void Dispose()
    {
        try { Directory.Delete(_temp, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public void QuickStart_builds_and_runs_against_the_packed_libraries()
    {
        string root = DotnetProcess.RepositoryRoot, feed = Path.Combine(_temp, "feed");
        foreach (var library in Libraries)
            DotnetProcess.Run(root, "pack", Path.Combine("src", library), "-c", DotnetProcess.Configuration, "--no-build", "-o", feed);

        string version = PackedVersion(feed, "Vpf.Core");
        foreach (var library in Libraries)
        {
            string package = Path.Combine(feed, $"{library}.{version}.nupkg");
            Assert.True(File.Exists(package), $"{package} was not written");
            Assert.True(File.Exists(Path.ChangeExtension(package, ".snupkg")), $"no symbol package next to {package}");
            using var zip = ZipFile.OpenRead(package);
            var metadata = Nuspec(zip).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string Field(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
            Assert.Equal("MIT", Field("license"));
            Assert.Equal("README.md", Field("readme"));
            Assert.Contains(library, zip.GetEntry("README.md") is { } readme ? new StreamReader(readme.Open()).ReadToEnd() : "");
            Assert.NotNull(zip.GetEntry($"lib/net10.0/{library}.dll"));
            Assert.NotNull(zip.GetEntry($"lib/net10.0/{library}.xml"));
        }

        // The sample, with its project reference replaced by a package reference, in a folder outside the repository
        // (so no Directory.Build.props or central package versions of ours apply).
        string app = Path.Combine(_temp, "QuickStart");
        Directory.CreateDirectory(app);
        File.Copy(Path.Combine(root, "samples", "QuickStart", "Program.cs"), Path.Combine(app, "Program.cs"));
        File.WriteAllText(Path.Combine(app, "QuickStart.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Vpf.Core" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        string packages = Path.Combine(_temp, "packages");
        DotnetProcess.Run(app, "build", "-c", "Release", "--source", feed, "--packages", packages);

        // The build resolved Vpf.Core and Vpf.Kernels as packages from the folder, not as projects.
        using (var deps = JsonDocument.Parse(File.ReadAllText(Path.Combine(app, "bin", "Release", "net10.0", "QuickStart.deps.json"))))
        {
            var libraries = deps.RootElement.GetProperty("libraries");
            foreach (var library in new[] { "Vpf.Core", "Vpf.Kernels" })
                Assert.Equal("package", libraries.GetProperty($"{library}/{version}").GetProperty("type").GetString());
        }
        Assert.True(Directory.Exists(Path.Combine(packages, "vpf.core", version)), "Vpf.Core was not restored from the local folder");

        string data = Path.Combine(root, "data", "fashion-mnist");
        string output = DotnetProcess.Run(app, Path.Combine("bin", "Release", "net10.0", "QuickStart.dll"),
            Path.Combine(data, "t10k-images-idx3-ubyte.gz"), Path.Combine(data, "t10k-labels-idx1-ubyte.gz"));
        Assert.Matches(@"epoch 3: mean K = \d+\.\d{3}", output);
        Assert.Contains("top-layer rates of a held-out image:", output);
    }

    [Fact]
    public void The_tool_package_carries_the_onnx_writer_but_neither_ML_NET_nor_ONNX_Runtime()
    {
        string feed = Path.Combine(_temp, "tool");
        DotnetProcess.Run(DotnetProcess.RepositoryRoot, "pack", Path.Combine("src", "Vpf.Cli"), "-c", DotnetProcess.Configuration, "--no-build", "-o", feed);
        string package = Directory.GetFiles(feed, "Vpf.Cli.*.nupkg").Single(f => !f.EndsWith(".snupkg", StringComparison.Ordinal));
        using var zip = ZipFile.OpenRead(package);
        var files = zip.Entries.Select(e => e.FullName).ToArray();

        Assert.Contains("tools/net10.0/any/vpf.dll", files);
        Assert.Contains("tools/net10.0/any/Vpf.Onnx.dll", files);
        Assert.DoesNotContain(files, f => f.Contains("Microsoft.ML", StringComparison.OrdinalIgnoreCase)
            || f.Contains("onnxruntime", StringComparison.OrdinalIgnoreCase) || f.Contains("Vpf.ML", StringComparison.Ordinal));
        // About 5 MB (Plotly.NET and FSharp.Core are most of it); ONNX Runtime's natives alone were over 150 MB.
        long bytes = new FileInfo(package).Length;
        Assert.True(bytes < 20_000_000, $"{package} is {bytes:N0} bytes");
    }

    private static string PackedVersion(string feed, string id)
    {
        var file = Directory.GetFiles(feed, $"{id}.*.nupkg").Single(f => !f.EndsWith(".snupkg", StringComparison.Ordinal));
        using var zip = ZipFile.OpenRead(file);
        return Nuspec(zip).Root!.Descendants().Single(e => e.Name.LocalName == "version").Value;
    }

    private static XDocument Nuspec(ZipArchive zip)
    {
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = entry.Open();
        return XDocument.Load(stream);
    }
}
