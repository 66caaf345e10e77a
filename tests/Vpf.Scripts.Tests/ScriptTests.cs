using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Vpf.Scripts.Tests;

/// <summary>
/// Every script of scripts/ runs in quick mode and writes its outputs; besides presence and range, each output is held
/// to an answer known without the model (the scores of the trivial predictors agree across runs, a flipped pixel of the
/// corrupted input is always wrong, accuracies as fractions of the test images, a model and its
/// mirror equal, the STDP window's symmetry). The tests of this class run one after another (one xunit collection), so
/// the quick runs do not compete for the cores.
/// </summary>
public class ScriptTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void Paper_quick_writes_tables_and_pages_with_finite_metrics()
    {
        var (dir, log, _) = ScriptRunner.RunQuick("paper.fsx");
        foreach (var page in new[] { "curves.html", "filters.html", "samples.html", "reconstructions.html" })
            ScriptRunner.AssertPage(Path.Combine(dir, page));
        string markdown = File.ReadAllText(Path.Combine(dir, "results.md"));
        Assert.Contains("| model | method |", markdown);
        Assert.Contains("majority fill", markdown);

        var json = ScriptRunner.ReadJson(Path.Combine(dir, "results.json"));
        Assert.True(json["quick"]!.GetValue<bool>());
        var runs = json["runs"]!.AsArray();
        Assert.True(runs.Count >= 20, $"expected the whole grid, got {runs.Count} runs.\n{log}");
        // Every number comes from the evaluator's report, embedded as EvaluationReport.ToJson writes it.
        double pixels = ScriptRunner.Finite(runs[0]!["evaluation"]!["linearProbe"]!["result"]!["pixelAccuracy"], "pixel probe accuracy");
        Assert.InRange(pixels, 0.3, 1.0);
        foreach (var run in runs)
        {
            string name = $"{run!["model"]} / {run["method"]}";
            Assert.True(run["diverged"] is null, $"{name} diverged: {run["diverged"]}");
            Assert.True(ScriptRunner.Finite(run["trainSeconds"], name + " training seconds") >= 0);
            Assert.False(string.IsNullOrEmpty(run["plan"]?["method"]?.GetValue<string>()), $"{name} has no plan.");
            var report = run["evaluation"]!;
            Assert.Equal("vpf-evaluation/1", report["format"]?.GetValue<string>());
            Assert.InRange(ScriptRunner.Finite(report["linearProbe"]!["result"]!["hiddenAccuracy"], name + " probe accuracy"), 0.0, 1.0);
            ScriptRunner.Finite(report["parzen"]!["model"]!["meanLogLikelihood"], name + " Parzen log-likelihood");
            ScriptRunner.Finite(report["logLikelihood"]!["ais"]!["meanLogLikelihood"], name + " AIS estimate");
            var recon = report["reconstruction"]!["corruptions"]!.AsArray();
            Assert.Equal(5, recon.Count);
            foreach (var r in recon)
                foreach (var predictor in new[] { "model", "corruptedInput", "majorityFill" })
                    Assert.InRange(ScriptRunner.Finite(r![predictor]!["errorOnCorrupted"], $"{name} {r["corruption"]} {predictor}"), 0.0, 1.0);
            var plan = run["plan"]!;
            Assert.Equal(plan["method"]!.GetValue<string>(), report["model"]!["training"]!["method"]!.GetValue<string>());
            var curve = run["curve"]!.AsArray();
            Assert.True(curve.Count >= 2, $"{name}: the curve has {curve.Count} points.");
            foreach (var p in curve)
            {
                ScriptRunner.Finite(p!["seconds"], name + " curve seconds");
                ScriptRunner.Finite(p["probeAccuracy"], name + " curve probe accuracy");
                ScriptRunner.Finite(p["flip20Error"], name + " curve flip error");
            }
        }
        ScriptRunner.AssertModelIndependentParts([.. runs.Select(r => ($"{r!["model"]} / {r["method"]}", r["evaluation"]!))]);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Features_quick_compares_every_feature_set()
    {
        var (dir, log, _) = ScriptRunner.RunQuick("features.fsx");
        ScriptRunner.AssertPage(Path.Combine(dir, "features.html"));
        Assert.Contains("| features |", File.ReadAllText(Path.Combine(dir, "features.md")));
        var results = ScriptRunner.ReadJson(Path.Combine(dir, "features.json"))["results"]!.AsArray();
        var names = results.Select(r => r!["features"]!.GetValue<string>()).ToList();
        foreach (var expected in new[] { "raw pixels", "PCA", "VPF RBM", "VPF DBM", "CD-1" })
            Assert.True(names.Any(n => n.StartsWith(expected, StringComparison.Ordinal)), $"no '{expected}' row in {string.Join(", ", names)}\n{log}");
        var json = ScriptRunner.ReadJson(Path.Combine(dir, "features.json"));
        double testRows = ScriptRunner.Finite(json["testRows"], "test rows");
        Assert.Equal(500, testRows);
        foreach (var r in results)
        {
            string name = r!["features"]!.GetValue<string>();
            // Ten classes: a working pipeline is well above chance even in quick mode.
            double accuracy = ScriptRunner.Finite(r["accuracy"], name + " accuracy");
            Assert.InRange(accuracy, 0.15, 1.0);
            // An accuracy is a count of correctly classified test images over their number.
            double correct = accuracy * testRows;
            Assert.True(Math.Abs(correct - Math.Round(correct)) < 1e-6, $"{name}: accuracy {accuracy} is not a multiple of 1/{testRows}.");
            Assert.True(ScriptRunner.Finite(r["fitSeconds"], name + " fit seconds") > 0);
            ScriptRunner.Finite(r["logLoss"], name + " log-loss");
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Real_valued_quick_measures_every_feature_set_and_the_scales_agree()
    {
        var (dir, log, _) = ScriptRunner.RunQuick("real-valued.fsx");
        Assert.Contains("| features |", File.ReadAllText(Path.Combine(dir, "real-valued.md")));
        var results = ScriptRunner.ReadJson(Path.Combine(dir, "real-valued.json"))["results"]!.AsArray();
        foreach (var table in results.GroupBy(r => r!["data"]!.GetValue<string>()))
        {
            var names = table.Select(r => r!["features"]!.GetValue<string>()).ToList();
            foreach (var expected in new[] { "standardised inputs", "inputs in [0, 1]", "Gaussian VPF", "Gaussian score matching", "Gaussian CD-1", "binary VPF" })
                Assert.True(names.Any(n => n.StartsWith(expected, StringComparison.Ordinal)), $"{table.Key}: no '{expected}' row in {string.Join(", ", names)}\n{log}");
            // The data-scale log-likelihood is the standardised one minus Σ log s, a property of the data alone: one
            // shift for every model of a table. The mean fill does not depend on the model either.
            var shifts = table.Where(r => r!["logLikelihood"] is not null)
                .Select(r => r!["logLikelihood"]![0]!.GetValue<double>() - r["logLikelihood"]![1]!.GetValue<double>()).ToList();
            Assert.Equal(4, shifts.Count);
            Assert.All(shifts, shift => Assert.Equal(shifts[0], shift, 6));
            var meanFills = table.Where(r => r!["noiseSquaredError"] is not null).Select(r => r!["noiseSquaredError"]![1]!.GetValue<double>()).ToList();
            Assert.Equal(3, meanFills.Count);
            Assert.All(meanFills, fill => Assert.Equal(meanFills[0], fill, 12));
            foreach (var r in table)
                Assert.InRange(ScriptRunner.Finite(r!["accuracyAllLabels"], r["features"] + " accuracy"), 0.0, 1.0);
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Stdp_quick_writes_the_timing_window()
    {
        var (dir, _, _) = ScriptRunner.RunQuick("stdp.fsx");
        ScriptRunner.AssertPage(Path.Combine(dir, "stdp.html"));
        var json = ScriptRunner.ReadJson(Path.Combine(dir, "stdp.json"));
        Assert.True(ScriptRunner.Finite(json["libraryCheck"], "δ check") < 1e-4);
        var lags = json["lagsMs"]!.AsArray().Select(l => ScriptRunner.Finite(l, "lag")).ToArray();
        foreach (var curve in json["curves"]!.AsArray())
        {
            var half = curve!["half"]!.AsArray().Select(v => ScriptRunner.Finite(v, "half-update weight change")).ToArray();
            var both = curve["symmetric"]!.AsArray().Select(v => ScriptRunner.Finite(v, "symmetric weight change")).ToArray();
            Assert.Equal(lags.Length, half.Length);
            Assert.Equal(lags.Length, both.Length);
            // VPF's own update is symmetric in the pair, so its window is even in Δt; only the half depends on the order.
            for (int i = 0; i < lags.Length; i++)
                Assert.True(Math.Abs(both[i] - both[lags.Length - 1 - i]) <= 1e-5 * (1 + Math.Abs(both[i])),
                    $"symmetric window at Δt = {lags[i]}: {both[i]}, at {lags[lags.Length - 1 - i]}: {both[lags.Length - 1 - i]}");
            // The half is not even: it depends on which unit changed state first.
            Assert.Contains(Enumerable.Range(0, lags.Length), i => Math.Abs(half[i] - half[lags.Length - 1 - i]) > 1e-3 * (1 + Math.Abs(half[i])));
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Defaults_quick_evaluates_every_variation_of_both_models()
    {
        var (dir, log, _) = ScriptRunner.RunQuick("defaults.fsx");
        Assert.Contains("| model | variation |", File.ReadAllText(Path.Combine(dir, "defaults.md")));
        var rows = ScriptRunner.ReadJson(Path.Combine(dir, "defaults.json")).AsArray();
        var names = rows.Select(r => $"{r!["model"]} / {r["variation"]}").ToList();
        // RBM: defaults, centering off, three offset rates, three steps, two decays; the DBM also two sweep counts.
        Assert.True(rows.Count == 22, $"expected 22 evaluations, got {rows.Count}: {string.Join(", ", names)}\n{log}");
        Assert.Contains(names, n => n.StartsWith("DBM", StringComparison.Ordinal) && n.EndsWith("3 sweeps", StringComparison.Ordinal));
        foreach (var r in rows)
        {
            string name = $"{r!["model"]} / {r["variation"]}";
            var report = r["evaluation"]!;
            Assert.InRange(ScriptRunner.Finite(report["linearProbe"]!["result"]!["hiddenAccuracy"], name + " probe"), 0.15, 1.0);
            ScriptRunner.Finite(report["logLikelihood"]!["ais"]!["meanLogLikelihood"], name + " AIS estimate");
            foreach (var c in report["reconstruction"]!["corruptions"]!.AsArray())
                Assert.InRange(ScriptRunner.Finite(c!["model"]!["errorOnCorrupted"], $"{name} {c["corruption"]}"), 0.0, 1.0);
        }
        // Per model: every variation is evaluated on the same images, so the trivial predictors score the same.
        foreach (var model in rows.GroupBy(r => r!["model"]!.GetValue<string>()))
            ScriptRunner.AssertModelIndependentParts([.. model.Select(r => ($"{model.Key} / {r!["variation"]}", r["evaluation"]!))]);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Polarity_quick_finds_each_model_and_its_mirror_equal()
    {
        var (dir, log, _) = ScriptRunner.RunQuick("polarity.fsx");
        var rows = ScriptRunner.ReadJson(Path.Combine(dir, "polarity.json")).AsArray();
        Assert.True(rows.Count == 4, log);
        double Value(int row, string field) => ScriptRunner.Finite(rows[row]![field], $"row {row} {field}");
        // A model and its mirror on inverted images have the same posterior, and a DBM's mean-field start is invariant
        // too: reconstructions agree to rounding (the probe's optimiser can amplify rounding a little).
        foreach (int model in new[] { 0, 2 })
        {
            Assert.Equal(Value(model, "flip20Error"), Value(model + 1, "flip20Error"), 1e-6);
            Assert.Equal(Value(model, "bottomHalfError"), Value(model + 1, "bottomHalfError"), 1e-6);
            Assert.Equal(Value(model, "probeAccuracy"), Value(model + 1, "probeAccuracy"), 0.03);
        }
    }

    [Fact]
    public void Scripts_pin_the_package_versions_of_Directory_Packages_props()
    {
        string props = File.ReadAllText(Path.Combine(ScriptRunner.RepositoryRoot, "Directory.Packages.props"));
        var pins = Regex.Matches(props, "<PackageVersion Include=\"([^\"]+)\" Version=\"([^\"]+)\"")
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.OrdinalIgnoreCase);
        int checkedReferences = 0;
        foreach (var script in Directory.GetFiles(Path.Combine(ScriptRunner.RepositoryRoot, "scripts"), "*.fsx"))
            foreach (Match m in Regex.Matches(File.ReadAllText(script), "#r \"nuget: ([^,\"]+), ([^\"]+)\""))
            {
                string package = m.Groups[1].Value.Trim(), version = m.Groups[2].Value.Trim();
                // Plotly.NET is used only by the scripts and may not be pinned for a project; when it is, it must agree.
                if (pins.TryGetValue(package, out var pinned))
                {
                    Assert.True(pinned == version, $"{Path.GetFileName(script)} loads {package} {version} but Directory.Packages.props pins {pinned}.");
                    checkedReferences++;
                }
                else
                    Assert.True(package == "Plotly.NET" && version == "6.0.0",
                        $"{Path.GetFileName(script)} loads {package} {version}, which Directory.Packages.props does not pin.");
            }
        Assert.True(checkedReferences >= 4, "features.fsx should load the ML.NET packages at the pinned versions.");
    }
}
