// Features for a linear classifier, as an ML.NET pipeline: raw pixels, PCA (ProjectToPrincipalComponents), VPF
// features (mlContext.Transforms.VpfFeatures, an RBM and a DBM) and CD-1 features (an RBM trained by CD-1 in
// Vpf.Core, compiled into the same transform by VpfFeaturesFromModel) — each followed by the same SDCA
// maximum-entropy classifier. Reports test accuracy and fit time (features + classifier).
//
//   dotnet build -c Release src/Vpf.ML
//   dotnet fsi scripts/features.fsx [--quick] [--data DIR] [--out DIR] [--train N] [--epochs N]
//
// Output in out/features/: features.md, features.json, features.html. Pixels are the binarised images (0/1) that
// every other script uses, so all pipelines see the same input.
#load "Common.fsx"
// The versions pinned in Directory.Packages.props for src/Vpf.ML (scripts cannot use central package management:
// keep these identical to the pins).
#r "nuget: Microsoft.ML, 5.0.1"
#r "nuget: Microsoft.ML.OnnxTransformer, 5.0.1"
#r "nuget: Microsoft.ML.OnnxRuntime, 1.31.1"
#r "nuget: Microsoft.ML.OnnxRuntime.Managed, 1.31.1"
#r "../src/Vpf.ML/bin/Release/net10.0/Vpf.Onnx.dll"
#r "../src/Vpf.ML/bin/Release/net10.0/Vpf.ML.dll"

open System
open System.IO
open Microsoft.ML
open Microsoft.ML.Data
open Plotly.NET
open Common
open Vpf.Core.Data
open Vpf.Core.Model
open Vpf.Core.Training
open Vpf.ML

let quick = args.Flag "--quick"
let out = outDir "features"
let started = DateTime.UtcNow

let trainRows = args.Int("--train", if quick then 1000 else 10000)
let testRows = if quick then 500 else 10000
let epochs = args.Int("--epochs", if quick then 1 else 5)
let hidden = if quick then 64 else 500
let pcaRank = if quick then 20 else 50
let sdcaIterations = if quick then 10 else 30

let fullTrain, fullTest, dataDescription = loadData (args.Value "--data")
let train = fullTrain.Subset(0, min trainRows fullTrain.Count)
let test = fullTest.Subset(0, min testRows fullTest.Count)

[<CLIMutable>]
type Image = { [<VectorType(784)>] Pixels: float32[]; Label: uint32 }

let toRows (data: BinaryDataset) =
    [ for i in 0 .. data.Count - 1 ->
        let p = Array.zeroCreate<float32> data.Dimension
        data.CopyRow(i, Span p)
        { Pixels = p; Label = uint32 (data.GetLabel i) } ]

let ml = MLContext(seed = 1)
let trainView = ml.Data.LoadFromEnumerable(toRows train)
let testView = ml.Data.LoadFromEnumerable(toRows test)

let vpfOptions (layers: int[]) =
    VpfFeaturizerOptions(HiddenLayers = layers, OutputLayers = [| 1 .. layers.Length |], Epochs = epochs, Seed = Nullable 1, MaxIntensity = 1.0f)

/// A CD-1 RBM trained in Vpf.Core (CD's recorded defaults), for VpfFeaturesFromModel.
let cdModel () =
    let m = CdMethod(Steps = 1)
    let d = m.DefaultTraining
    let plan = TrainingPlan(Architecture = Architecture.Rbm(784, hidden), Method = m,
                            TrainingOptions = TrainingOptions(Epochs = epochs, BatchSize = d.BatchSize, Optimiser = d.Optimiser, Centering = d.Centering, Seed = 1))
    plan.Run(train).Model

/// ML.NET's estimators are covariant in C#; F# coerces through obj (the runtime allows the variant cast).
let est (x: obj) = x :?> IEstimator<ITransformer>

let classifier () =
    (est (ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label")))
        .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("LabelKey", "Features", maximumNumberOfIterations = Nullable sdcaIterations))

type Candidate = { Name: string; Features: int; Featurizer: unit -> IEstimator<ITransformer> }

let candidates =
    [ { Name = "raw pixels"; Features = 784; Featurizer = fun () -> ml.Transforms.CopyColumns("Features", "Pixels") |> est }
      { Name = sprintf "PCA, rank %d" pcaRank; Features = pcaRank
        Featurizer = fun () -> ml.Transforms.ProjectToPrincipalComponents("Features", "Pixels", rank = pcaRank, seed = Nullable 1) |> est }
      { Name = sprintf "VPF RBM 784-%d" hidden; Features = hidden; Featurizer = fun () -> ml.Transforms.VpfFeatures("Features", "Pixels", vpfOptions [| hidden |]) |> est }
      { Name = sprintf "VPF DBM 784-%d-%d (both layers)" hidden hidden; Features = 2 * hidden
        Featurizer = fun () -> ml.Transforms.VpfFeatures("Features", "Pixels", vpfOptions [| hidden; hidden |]) |> est }
      { Name = sprintf "CD-1 RBM 784-%d" hidden; Features = hidden
        Featurizer = fun () -> ml.Transforms.VpfFeaturesFromModel("Features", "Pixels", cdModel (), vpfOptions [| hidden |]) |> est } ]

let header =
    [ sprintf "features.fsx%s — %s UTC" (if quick then " --quick" else "") (started.ToString "yyyy-MM-dd HH:mm")
      sprintf "machine: %s" (machine ())
      sprintf "data: %s; %d training / %d test images, binarised at half intensity" dataDescription train.Count test.Count
      sprintf "VPF: Sampled estimator, Adam 1e-3, batch 100, %d epochs; CD-1: SGD 0.05, batch 10, %d epochs (its training is inside the fit time)" epochs epochs
      sprintf "classifier: SdcaMaximumEntropy, %d iterations, on every feature set" sdcaIterations ]
header |> List.iter (printfn "%s")

let results =
    [ for c in candidates ->
        let model, seconds = timed (fun () -> c.Featurizer().Append(est (classifier ())).Fit(trainView))
        let metrics = ml.MulticlassClassification.Evaluate(model.Transform(testView), "LabelKey")
        printfn "%-34s accuracy %.4f  fit %.1f s" c.Name metrics.MicroAccuracy seconds
        c, metrics.MicroAccuracy, metrics.MacroAccuracy, metrics.LogLoss, seconds ]

let table =
    markdownTable [ "features"; "dimension"; "test accuracy"; "macro accuracy"; "log-loss"; "fit seconds" ]
        [ for c, acc, macroAcc, logLoss, s in results -> [ c.Name; string c.Features; fmt 4 acc; fmt 4 macroAcc; fmt 3 logLoss; fmt 1 s ] ]
File.WriteAllText(Path.Combine(out, "features.md"),
                  "# features.fsx results\n\n" + String.Join("\n", header |> List.map (fun l -> "- " + l)) + "\n\n" + table + "\n")
saveJson (Path.Combine(out, "features.json"))
    (obj [ "script", str "features.fsx"; "quick", boolean quick; "date", str (started.ToString "o"); "machine", str (machine ())
           "data", str dataDescription; "trainRows", num (float train.Count); "testRows", num (float test.Count); "epochs", num (float epochs)
           "results", arr [ for c, acc, macroAcc, logLoss, s in results ->
                              obj [ "features", str c.Name; "dimension", num (float c.Features); "accuracy", num acc
                                    "macroAccuracy", num macroAcc; "logLoss", num logLoss; "fitSeconds", num s ] ] ])

let names = results |> List.map (fun (c, _, _, _, _) -> c.Name)
[ Chart.Column(List.zip names (results |> List.map (fun (_, a, _, _, _) -> a)), Name = "test accuracy")
  |> Chart.withYAxisStyle (TitleText = "test accuracy")
  Chart.Column(List.zip names (results |> List.map (fun (_, _, _, _, s) -> s)), Name = "fit seconds")
  |> Chart.withYAxisStyle (TitleText = "fit seconds (features + SDCA)") ]
|> Chart.Grid(1, 2)
|> Chart.withSize (1300, 550)
|> Chart.withTitle (sprintf "Same SDCA classifier on different features (%d training images)" train.Count)
|> saveHtml (Path.Combine(out, "features.html"))
printfn "\n%s\n\nwrote %s (features.md, features.json, features.html)" table out
