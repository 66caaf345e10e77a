// Is a trained machine's evaluation invariant to the data's polarity? Each model is evaluated on the test images,
// and its mirror — the machine whose distribution over inverted images (x → 1 − x) is the model's over the originals —
// on the inverted test images. Equal distributions, so every number that depends only on the distribution agrees —
// for a DBM because its mean-field start takes the missing top-down input around ½ (vpf-math.md §3.1); the former
// start, which doubled the raw input, gave a DBM and its mirror different reconstructions (docs/results.md).
//
//   dotnet build -c Release src/Vpf.Core
//   dotnet fsi scripts/polarity.fsx [--quick] [--data DIR] [--out DIR] [--train N] [--test N] [--epochs N]
//
// --quick: an RBM 784-32 and a DBM 784-32-64 on 600 training images, one epoch (the tests run it).
// Output in out/polarity/: polarity.md and polarity.json.
#load "Common.fsx"

open System
open System.IO
open Common
open Vpf.Core.Data
open Vpf.Core.Evaluation
open Vpf.Core.Evaluation.Report
open Vpf.Core.Model
open Vpf.Core.Reconstruction
open Vpf.Core.Training

let fullTrain, fullTest, dataDescription = loadData (args.Value "--data")
let quick = args.Flag "--quick"
let train = fullTrain.Subset(0, min (args.Int("--train", if quick then 600 else 10000)) fullTrain.Count)
let test = fullTest.Subset(0, min (args.Int("--test", if quick then 200 else 1000)) fullTest.Count)
let epochs = args.Int("--epochs", if quick then 1 else 5)
let hidden1, hidden2 = if quick then 32, 64 else 500, 1000
let out = outDir "polarity"

/// The machine whose distribution over 1 − v is the model's over v: W_0 → −W_0, b_0 → −b_0, b_1 → b_1 + 1ᵀW_0.
let mirror (model: DeepBoltzmannMachine) =
    let m = DeepBoltzmannMachine(model.Parameters.Clone())
    let nv, nh = model.LayerSize 0, model.LayerSize 1
    let w = model.Weights 0
    for j in 0 .. nh - 1 do
        let mutable column = 0.0
        for k in 0 .. nv - 1 do column <- column + float w.[k * nh + j]
        m.Biases(1).[j] <- float32 (float (model.Biases(1).[j]) + column)
    for i in 0 .. w.Length - 1 do m.Weights(0).[i] <- -w.[i]
    for k in 0 .. nv - 1 do m.Biases(0).[k] <- -model.Biases(0).[k]
    m

let options = flipOcclusionProbeOptions train test null

/// (flip 20 % error, bottom-half error, probe accuracy) of one evaluation.
let scores (report: EvaluationReport) =
    corruptionError report CorruptionKind.PixelFlips, corruptionError report CorruptionKind.Occlusion, report.LinearProbe.Result.HiddenAccuracy

let header =
    [ sprintf "polarity.fsx%s — %s UTC" (if quick then " --quick" else "") (DateTime.UtcNow.ToString "yyyy-MM-dd HH:mm")
      sprintf "data: %s; first %d training and %d test images, binarised at half intensity" dataDescription train.Count test.Count
      sprintf "models: VPF Sampled, centered, the library's defaults otherwise, %d epochs, seed 1" epochs ]
header |> List.iter (printfn "%s")
let results =
    [ for name, architecture in [ sprintf "RBM 784-%d" hidden1, Architecture.Rbm(784, hidden1); sprintf "DBM 784-%d-%d" hidden1 hidden2, Architecture.Dbm(784, hidden1, hidden2) ] do
        let plan = TrainingPlan(Architecture = architecture, TrainingOptions = TrainingOptions(Epochs = epochs, Seed = 1, Centering = CenteringOptions(Enabled = true)))
        let model = (plan.Run train).Model
        yield name, "model, test images", scores (ModelEvaluator.Evaluate(model, train, test, options))
        yield name, "its mirror, inverted test images", scores (ModelEvaluator.Evaluate(mirror model, invert train, invert test, options)) ]
let table =
    markdownTable [ "trained"; "evaluated"; "flip 20 %"; "bottom half"; "probe" ]
        [ for name, evaluated, (flip, bottom, probe) in results -> [ name; evaluated; fmt 4 flip; fmt 4 bottom; fmt 3 probe ] ]
printfn "\n%s" table
File.WriteAllText(Path.Combine(out, "polarity.md"), String.Join("\n", (header |> List.map (sprintf "- %s")) @ [ ""; table ]) + "\n")
saveJson (Path.Combine(out, "polarity.json"))
    (arr [ for name, evaluated, (flip, bottom, probe) in results ->
            obj [ "model", str name; "evaluated", str evaluated; "flip20Error", num flip; "bottomHalfError", num bottom; "probeAccuracy", num probe ] ])
