using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vpf.Core.Training;

namespace Vpf.Cli.Reporting;

/// <summary>
/// Writes a self-contained HTML report: plotly.js (taken from the Plotly.NET assembly, where it is embedded) is inlined,
/// the charts are Plotly JSON written here, and nothing is fetched from the network when the page is opened.
/// </summary>
internal static class HtmlReport
{
    private static readonly Lazy<string> PlotlyJs = new(LoadPlotlyJs);

    /// <summary>The plotly.js source shipped inside Plotly.NET.</summary>
    public static string PlotlyScript => PlotlyJs.Value;

    public static void Write(string path, IEnumerable<string> inputs, ReportContent content) => OutputFile.WriteText(path, inputs, Render(content));

    public static string Render(ReportContent c)
    {
        var html = new StringBuilder();
        var charts = new List<(string Id, JsonArray Data, JsonObject Layout)>();
        string E(string s) => WebUtility.HtmlEncode(s);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(c.Title)).Append("</title>\n<style>")
            .Append("body{font-family:system-ui,sans-serif;margin:1.5em;max-width:1200px;color:#222}table{border-collapse:collapse;margin:1em 0}")
            .Append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}th{background:#f0f0f0}")
            .Append("pre{background:#f6f6f6;padding:8px;white-space:pre-wrap}pre.cmd{white-space:pre;overflow-x:auto}.chart{width:100%;height:380px}.img{width:100%;height:420px}")
            .Append("</style>\n<script>").Append(PlotlyScript.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase)).Append("</script>\n</head><body>\n");
        html.Append("<h1>").Append(E(c.Title)).Append("</h1>\n<p>").Append(E(c.DataDescription)).Append("</p>\n");

        if (c.TableRows.Count > 0)
        {
            html.Append("<h2>Metrics</h2>\n<table><tr>");
            foreach (var h in c.TableHeader) html.Append("<th>").Append(E(h)).Append("</th>");
            html.Append("</tr>\n");
            foreach (var row in c.TableRows)
            {
                html.Append("<tr>");
                foreach (var cell in row) html.Append("<td>").Append(E(cell)).Append("</td>");
                html.Append("</tr>\n");
            }
            html.Append("</table>\n");
        }
        foreach (var note in c.Notes) html.Append("<p>").Append(E(note)).Append("</p>\n");

        html.Append("<h2>Training curves</h2>\n");
        charts.Add(Chart(html, "curve-ce-epoch", c.Models, m => m.Curve.Select(p => (double)p.Epoch), p => p.HeldOutCrossEntropy,
            "Held-out reconstruction cross-entropy by epoch", "epoch", "nats / image"));
        charts.Add(Chart(html, "curve-ce-seconds", c.Models, m => m.Curve.Select(p => p.Seconds), p => p.HeldOutCrossEntropy,
            "Held-out reconstruction cross-entropy by training time", "seconds", "nats / image"));
        foreach (var (m, i) in c.Models.Select((m, i) => (m, i)))
        {
            var data = new JsonArray
            {
                Line(m.Curve.Select(p => (double)p.Epoch), m.Curve.Select(p => p.MeanObjective), "training (mean over the epoch)"),
                Line(m.Curve.Select(p => (double)p.Epoch), m.Curve.Select(p => p.HeldOutObjective), "held-out"),
            };
            var method = TrainingMethod.TryParse(m.Method, null);
            string what = method?.ObjectiveDescription ?? "objective";
            charts.Add(Div(html, $"curve-k-{i}", "chart", data, Layout($"{m.Name}: {what} by epoch", "epoch", method?.ObjectiveName ?? "objective")));
        }

        html.Append("<h2>First-layer filters</h2>\n<p>Weights from each visible pixel to one hidden unit (the first 64 units), each scaled to its largest magnitude; red positive, blue negative.</p>\n");
        foreach (var (m, i) in c.Models.Select((m, i) => (m, i)))
        {
            int nv = m.Model.LayerSize(0), nh = m.Model.LayerSize(1), count = Math.Min(64, nh);
            var tiles = new List<float[]>();
            for (int j = 0; j < count; j++)
            {
                var t = new float[nv];
                float max = 1e-12f;
                for (int v = 0; v < nv; v++) { t[v] = m.Model.Weights(0)[v * nh + j]; max = Math.Max(max, Math.Abs(t[v])); }
                for (int v = 0; v < nv; v++) t[v] /= max;
                tiles.Add(t);
            }
            charts.Add(Image(html, $"filters-{i}", $"{m.Name}: filters", tiles, c.ImageRows, c.ImageColumns, 16, "RdBu", -1, 1));
        }

        html.Append("<h2>Generated samples</h2>\n");
        foreach (var (m, i) in c.Models.Select((m, i) => (m, i)))
        {
            if (m.Samples is null || m.SampleCount == 0) { html.Append("<p>").Append(E($"{m.Name}: {m.SampleNote ?? "no samples"}")).Append("</p>\n"); continue; }
            if (m.SampleNote is not null) html.Append("<p>").Append(E($"{m.Name}: {m.SampleNote}")).Append("</p>\n");
            int d = m.Model.LayerSize(0);
            var tiles = Enumerable.Range(0, m.SampleCount).Select(r => m.Samples.AsSpan(r * d, d).ToArray()).ToList();
            charts.Add(Image(html, $"samples-{i}", $"{m.Name}: samples", tiles, c.ImageRows, c.ImageColumns, 16, "Greys", 0, 1));
        }

        html.Append("<h2>Reconstructions</h2>\n<p>Each row: clean image, corrupted input (unknown pixels grey), reconstruction (firing probabilities).</p>\n");
        foreach (var (m, i) in c.Models.Select((m, i) => (m, i)))
            foreach (var (r, k) in m.Reconstructions.Select((r, k) => (r, k)))
            {
                int d = m.Model.LayerSize(0);
                var tiles = new List<float[]>();
                for (int row = 0; row < r.Rows; row++)
                {
                    tiles.Add(r.Clean.AsSpan(row * d, d).ToArray());
                    tiles.Add(r.Corrupted.AsSpan(row * d, d).ToArray());
                    tiles.Add(r.Reconstructed.AsSpan(row * d, d).ToArray());
                }
                charts.Add(Image(html, $"recon-{i}-{k}", $"{m.Name}: {r.Corruption}", tiles, c.ImageRows, c.ImageColumns, 3 * Math.Min(r.Rows, 4), "Greys", 0, 1));
            }

        html.Append("<h2>Command and options</h2>\n<pre>").Append(E(c.CommandLine)).Append("</pre>\n");
        // One unwrapped line per model, so that each can be copied and run as it is.
        foreach (var (name, command) in c.TrainCommands)
            html.Append("<p>").Append(E(name)).Append(", trained by:</p>\n<pre class=\"cmd\">").Append(E(command)).Append("</pre>\n");
        html.Append("<table>");
        foreach (var (k, v) in c.Options) html.Append("<tr><th>").Append(E(k)).Append("</th><td>").Append(E(v)).Append("</td></tr>\n");
        html.Append("</table>\n<p>Written ").Append(DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture)).Append(" by vpf.</p>\n<script>\n");
        foreach (var (id, data, layout) in charts)
            html.Append("Plotly.newPlot(").Append(JsonSerializer.Serialize(id)).Append(", ").Append(data.ToJsonString()).Append(", ")
                .Append(layout.ToJsonString()).Append(", {\"staticPlot\": false, \"displaylogo\": false});\n");
        html.Append("</script>\n</body></html>\n");
        return html.ToString();
    }

    private static (string, JsonArray, JsonObject) Chart(StringBuilder html, string id, IEnumerable<ReportModel> models,
        Func<ReportModel, IEnumerable<double>> x, Func<CurvePoint, double> y, string title, string xTitle, string yTitle)
    {
        var data = new JsonArray();
        foreach (var m in models) data.Add(Line(x(m), m.Curve.Select(y), m.Name));
        return Div(html, id, "chart", data, Layout(title, xTitle, yTitle));
    }

    private static (string, JsonArray, JsonObject) Div(StringBuilder html, string id, string cls, JsonArray data, JsonObject layout)
    {
        html.Append("<div id=\"").Append(id).Append("\" class=\"").Append(cls).Append("\"></div>\n");
        return (id, data, layout);
    }

    private static JsonObject Line(IEnumerable<double> x, IEnumerable<double> y, string name) => new()
    {
        ["type"] = "scatter", ["mode"] = "lines+markers", ["name"] = name,
        ["x"] = Numbers(x), ["y"] = Numbers(y),
    };

    private static JsonArray Numbers(IEnumerable<double> values)
    {
        var a = new JsonArray();
        foreach (var v in values) a.Add(double.IsFinite(v) ? JsonValue.Create(Math.Round(v, 6)) : null);
        return a;
    }

    private static JsonObject Layout(string title, string x, string y) => new()
    {
        ["title"] = new JsonObject { ["text"] = title },
        ["xaxis"] = new JsonObject { ["title"] = new JsonObject { ["text"] = x } },
        ["yaxis"] = new JsonObject { ["title"] = new JsonObject { ["text"] = y } },
        ["margin"] = new JsonObject { ["t"] = 40, ["r"] = 10 },
    };

    /// <summary>Tiles of height × width pixels laid out in a grid with one-pixel gaps, as one heatmap.</summary>
    private static (string, JsonArray, JsonObject) Image(StringBuilder html, string id, string title, IReadOnlyList<float[]> tiles,
        int height, int width, int columns, string colours, double zmin, double zmax)
    {
        if (height <= 0 || width <= 0 || height * width != tiles.FirstOrDefault()?.Length)
        {
            int d = tiles.FirstOrDefault()?.Length ?? 1;
            height = 1; width = d;
        }
        columns = Math.Max(1, Math.Min(columns, tiles.Count));
        int gridRows = (tiles.Count + columns - 1) / columns;
        int H = gridRows * (height + 1) - 1, W = columns * (width + 1) - 1;
        var z = new JsonArray();
        for (int r = 0; r < H; r++)
        {
            var line = new JsonArray();
            int tr = r / (height + 1), pr = r % (height + 1);
            for (int col = 0; col < W; col++)
            {
                int tc = col / (width + 1), pc = col % (width + 1), t = tr * columns + tc;
                line.Add(pr == height || pc == width || t >= tiles.Count ? null : JsonValue.Create(Math.Round(tiles[t][pr * width + pc], 3)));
            }
            z.Add(line);
        }
        var data = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "heatmap", ["z"] = z, ["colorscale"] = colours, ["reversescale"] = colours == "Greys" ? false : true,
                ["zmin"] = zmin, ["zmax"] = zmax, ["showscale"] = false, ["hoverinfo"] = "skip",
            },
        };
        var layout = new JsonObject
        {
            ["title"] = new JsonObject { ["text"] = title },
            ["xaxis"] = new JsonObject { ["visible"] = false, ["constrain"] = "domain" },
            ["yaxis"] = new JsonObject { ["visible"] = false, ["autorange"] = "reversed", ["scaleanchor"] = "x" },
            ["margin"] = new JsonObject { ["t"] = 40, ["l"] = 10, ["r"] = 10, ["b"] = 10 },
            ["plot_bgcolor"] = "#ffffff",
        };
        return Div(html, id, "img", data, layout);
    }

    private static string LoadPlotlyJs()
    {
        Assembly assembly = typeof(Plotly.NET.GenericChart).Assembly;
        string name = assembly.GetManifestResourceNames()
            .Where(n => n.Contains("plotly", StringComparison.OrdinalIgnoreCase) && n.EndsWith(".min.js", StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(n => n.Length).FirstOrDefault()
            ?? throw new InvalidOperationException("plotly.js is not embedded in the Plotly.NET assembly.");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
