// Shared helpers of the experiment scripts: command line, data, JSON, Markdown, Plotly.NET output.
//
// Plotly.NET 6.0.0 is the version the solution pins in Directory.Packages.props; scripts cannot use central package
// management, so keep this line identical to that pin (tests/Vpf.Scripts.Tests checks it). dotnet fsi's own restore
// prints NU1605 (its FSharp.Core 10.1.401 is older than the 10.1.403 Plotly.NET asks for); a script cannot reference
// FSharp.Core itself, and the scripts run fine.
#r "nuget: Plotly.NET, 6.0.0"
// The scripts run against the Release build: `dotnet build -c Release` (the scripts test builds it first).
#r "../src/Vpf.Core/bin/Release/net10.0/Vpf.Kernels.dll"
#r "../src/Vpf.Core/bin/Release/net10.0/Vpf.Core.dll"

open System
open System.Diagnostics
open System.Globalization
open System.IO
open System.Text.Json
open System.Text.Json.Nodes
open Plotly.NET
open Vpf.Core.Data

CultureInfo.DefaultThreadCurrentCulture <- CultureInfo.InvariantCulture
CultureInfo.CurrentCulture <- CultureInfo.InvariantCulture

/// The repository root: the folder holding Vpf.Hybrid.sln, found by walking up from this script.
let repoRoot =
    let rec up (d: DirectoryInfo) =
        if isNull d then failwith "Vpf.Hybrid.sln not found above the scripts folder"
        elif File.Exists(Path.Combine(d.FullName, "Vpf.Hybrid.sln")) then d.FullName
        else up d.Parent
    up (DirectoryInfo __SOURCE_DIRECTORY__)

/// Command-line arguments after the script name.
type Args(argv: string[]) =
    member _.Flag(name: string) = argv |> Array.contains name
    member _.Value(name: string) =
        match argv |> Array.tryFindIndex ((=) name) with
        | Some i when i + 1 < argv.Length -> Some argv.[i + 1]
        | _ -> None
    member this.Int(name, fallback: int) = this.Value name |> Option.map int |> Option.defaultValue fallback

let args = Args(fsi.CommandLineArgs |> Array.skip 1)

/// The Debian package dataset-fashion-mnist installs the full set here.
let debianFashionMnist = "/usr/share/datasets/fashion-mnist"

/// Loads the data the scripts run on: `--data DIR` (any MNIST-format folder), else the full Fashion-MNIST set when
/// installed, else the shipped Fashion-MNIST test set split 8,000 / 2,000. Returns (train, test, description).
let loadData (dataArg: string option) =
    let shipped () =
        let dir = Path.Combine(repoRoot, "data", "fashion-mnist")
        let all = BinaryDataset.LoadIdx(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"))
        let struct (train, test) = all.Split(8000)
        train, test, "data/fashion-mnist (the shipped Fashion-MNIST test set, split 8,000 train / 2,000 test)"
    match dataArg with
    | Some dir -> let struct (tr, te) = MnistFolder.Load dir in tr, te, sprintf "MNIST-format folder given with --data (%d train / %d test)" tr.Count te.Count
    | None when File.Exists(Path.Combine(debianFashionMnist, "train-images-idx3-ubyte.gz")) ->
        let struct (tr, te) = MnistFolder.Load debianFashionMnist
        tr, te, sprintf "%s (Debian dataset-fashion-mnist, %d train / %d test)" debianFashionMnist tr.Count te.Count
    | None -> shipped ()

/// Output folder: `--out DIR`, else out/<name> under the repository root.
let outDir (name: string) =
    let d = args.Value "--out" |> Option.defaultWith (fun () -> Path.Combine(repoRoot, "out", name))
    Directory.CreateDirectory d |> ignore
    d

let machine () =
    sprintf "%s, %d logical cores, .NET %s, %s" (Runtime.InteropServices.RuntimeInformation.OSDescription)
        Environment.ProcessorCount (Environment.Version.ToString()) (Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString())

/// A JSON number, or null when the value is missing or not finite (JSON has no NaN).
let num (x: float) : JsonNode = if Double.IsFinite x then JsonValue.Create x :> JsonNode else null
let numOpt (x: float option) : JsonNode = match x with Some v -> num v | None -> null
let str (s: string) : JsonNode = JsonValue.Create s :> JsonNode
let boolean (b: bool) : JsonNode = JsonValue.Create b :> JsonNode
let obj (pairs: (string * JsonNode) list) : JsonNode =
    let o = JsonObject()
    for k, v in pairs do o.[k] <- v
    o :> JsonNode
let arr (items: JsonNode seq) : JsonNode =
    let a = JsonArray()
    for i in items do a.Add i
    a :> JsonNode
let saveJson (path: string) (node: JsonNode) =
    File.WriteAllText(path, node.ToJsonString(JsonSerializerOptions(WriteIndented = true)))

/// A Markdown table from a header and rows of cells.
let markdownTable (header: string list) (rows: string list list) =
    let line (cells: string list) = "| " + String.Join(" | ", cells) + " |"
    String.Join("\n", [ line header; line (header |> List.map (fun _ -> "---")) ] @ (rows |> List.map line))

let fmt (digits: int) (x: float) = if Double.IsFinite x then x.ToString("F" + string digits) else "–"
/// A log-likelihood bound with one decimal, ±∞ written as such.
let fmtBound (x: float) = if Double.IsPositiveInfinity x then "+∞" elif Double.IsNegativeInfinity x then "−∞" else sprintf "%.1f" x
let fmtOpt digits (x: float option) = match x with Some v -> fmt digits v | None -> "n/a"

/// Saves a chart as a self-contained HTML page (plotly.js embedded: viewable offline).
let saveHtml (path: string) (chart: GenericChart) =
    chart
    |> Chart.withDisplayOptions (DisplayOptions.init (PlotlyJSReference = PlotlyJSReference.Full))
    |> Chart.saveHtml path

/// Lays images (each rows × cols, row-major, values in [0, 1]) side by side, one pixel of gap, as a heatmap matrix
/// (top row first).
let mosaic (rows: int) (cols: int) (images: float32[] list) =
    let n = List.length images
    let width = n * (cols + 1)
    [| for r in rows - 1 .. -1 .. 0 ->
        [| for c in 0 .. width - 1 ->
            let i, x = c / (cols + 1), c % (cols + 1)
            if x = cols || i >= n then nan else float images.[i].[r * cols + x] |] |]

let timed f =
    let clock = Stopwatch.StartNew()
    let r = f ()
    r, clock.Elapsed.TotalSeconds

/// Every pixel of every row inverted (x → 1 − x), labels and image shape kept: a stand-in for data of another density.
let invert (data: BinaryDataset) = data.Inverted()

/// The evaluation of defaults.fsx and polarity.fsx: 20 % flips and the hidden bottom half (mean-field, error on the
/// corrupted pixels), the linear probe on at most 3,000 training images, and the given log-likelihood section (null:
/// none); no held-out or Parzen section.
let flipOcclusionProbeOptions (train: BinaryDataset) (test: BinaryDataset) (logLikelihood: Vpf.Core.Evaluation.Report.LogLikelihoodSectionOptions) =
    Vpf.Core.Evaluation.Report.EvaluationOptions(
        MaxTestRows = Nullable test.Count, HeldOut = null, Parzen = null, LogLikelihood = logLikelihood,
        Reconstruction = Vpf.Core.Evaluation.Report.ReconstructionSectionOptions(FlipFraction = Nullable 0.2, HideBottomHalf = true),
        LinearProbe =
            Vpf.Core.Evaluation.Report.LinearProbeSectionOptions(
                Probe = Vpf.Core.Evaluation.LinearProbeOptions(MaxTrainRows = Nullable (min 3000 train.Count), IncludePixelBaseline = false)))

/// The model's error on the corrupted pixels of the report's (first) corruption of this kind.
let corruptionError (report: Vpf.Core.Evaluation.Report.EvaluationReport) (kind: Vpf.Core.Reconstruction.CorruptionKind) =
    report.Reconstruction.Corruptions |> Seq.find (fun c -> c.Kind = kind) |> fun c -> c.Model.ErrorOnCorrupted
