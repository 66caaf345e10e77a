using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;

namespace Vpf.ML.Tests;

public sealed class PersistenceTests
{
    [Fact]
    public void A_saved_pipeline_loads_in_a_fresh_process_with_the_same_outputs()
    {
        var mlContext = new MLContext(seed: 1);
        var train = TestData.View(mlContext, 120, seed: 1);
        var pipeline = mlContext.Transforms.Concatenate("AllPixels", "Pixels")
            .Append(mlContext.Transforms.VpfFeatures("Features", "AllPixels", FeaturizerTests.SmallOptions()));
        var model = pipeline.Fit(train);

        var rows = TestData.Images(25, seed: 9).Select(r => r.Pixels).ToList();
        var scored = model.Transform(mlContext.Data.LoadFromEnumerable(rows.Select(p => new ImageRow { Pixels = p })));
        var expected = TestData.Column(scored, "Features");

        string folder = Directory.CreateTempSubdirectory("vpf-ml-persistence-").FullName;
        try
        {
            string zip = Path.Combine(folder, "model.zip"), input = Path.Combine(folder, "rows.txt"), output = Path.Combine(folder, "outputs.txt");
            mlContext.Model.Save(model, train.Schema, zip);
            (model as IDisposable)?.Dispose(); // the saved zip must not depend on anything the fitted model holds
            File.WriteAllLines(input, [$"{rows.Count} {TestData.Pixels}", .. rows.Select(r => string.Join(" ", r.Select(x => x.ToString("R", CultureInfo.InvariantCulture))))]);

            RunLoadCheck(zip, input, output, "Pixels", "Features");

            var actual = File.ReadAllLines(output)
                .Select(line => line.Split(' ').Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray()).ToList();
            TestData.AssertClose(expected, actual, 1e-6);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_saved_model_loads_in_the_same_process_too()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestData.View(mlContext, 60, seed: 2);
        var model = mlContext.Transforms.VpfFeatures("Features", "Pixels", FeaturizerTests.SmallOptions()).Fit(data);
        var expected = TestData.Column(model.Transform(data), "Features");
        using var stream = new MemoryStream();
        mlContext.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var loaded = new MLContext().Model.Load(stream, out var schema);
        Assert.NotNull(schema.GetColumnOrNull("Pixels"));
        TestData.AssertClose(expected, TestData.Column(loaded.Transform(data), "Features"), 0);
    }

    /// <summary>Starts tests/Vpf.ML.LoadCheck (built by this project's build) with <c>dotnet</c>.</summary>
    private static void RunLoadCheck(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(LoadCheckAssembly());
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "LoadCheck did not finish within 2 minutes");
        Assert.True(process.ExitCode == 0, $"LoadCheck exited with {process.ExitCode}:\n{stdout.Result}\n{stderr}");
    }

    /// <summary>
    /// The LoadCheck assembly of the same configuration and framework as this test assembly: the test's output folder
    /// is tests/Vpf.ML.Tests/&lt;bin/Configuration/TFM&gt;, and LoadCheck's is the same relative folder under
    /// tests/Vpf.ML.LoadCheck.
    /// </summary>
    internal static string LoadCheckAssembly()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        for (var dir = here; dir is not null; dir = dir.Parent)
        {
            if (dir.Name != "Vpf.ML.Tests" || dir.Parent is null) continue;
            string relative = Path.GetRelativePath(dir.FullName, here.FullName);
            string candidate = Path.Combine(dir.Parent.FullName, "Vpf.ML.LoadCheck", relative, "Vpf.ML.LoadCheck.dll");
            if (File.Exists(candidate)) return candidate;
            var any = new DirectoryInfo(Path.Combine(dir.Parent.FullName, "Vpf.ML.LoadCheck", "bin"));
            if (any.Exists)
            {
                var newest = any.EnumerateFiles("Vpf.ML.LoadCheck.dll", SearchOption.AllDirectories).OrderByDescending(f => f.LastWriteTimeUtc).FirstOrDefault();
                if (newest is not null) return newest.FullName;
            }
        }
        throw new FileNotFoundException($"Vpf.ML.LoadCheck.dll not found next to the tests (looked up from {here.FullName}); build tests/Vpf.ML.Tests, which builds it.");
    }
}
