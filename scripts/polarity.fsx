// Is a trained machine's evaluation invariant to the data's polarity? Each model is evaluated on the test images,
// and its mirror — the machine whose distribution over inverted images (x → 1 − x) is the model's over the originals —
// on the inverted test images. Equal distributions, so every number that depends only on the distribution agrees.
// Mean-field inference in a DBM starts from a bottom-up pass that doubles the raw input (vpf-math.md §3.1), which is
// not invariant: the reconstruction and probe numbers of a DBM and its mirror can differ (docs/results.md).
//
//   dotnet build -c Release src/Vpf.Core
//   dotnet fsi scripts/polarity.fsx [--data DIR] [--train N] [--test N] [--epochs N]
#load "Common.fsx"

open System
open Common
open Vpf.Core.Data
open Vpf.Core.Evaluation
open Vpf.Core.Evaluation.Report
open Vpf.Core.Model
open Vpf.Core.Reconstruction
open Vpf.Core.Training

let fullTrain, fullTest, dataDescription = loadData (args.Value "--data")
let train = fullTrain.Subset(0, min (args.Int("--train", 10000)) fullTrain.Count)
let test = fullTest.Subset(0, min (args.Int("--test", 1000)) fullTest.Count)
let epochs = args.Int("--epochs", 5)

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

let options =
    EvaluationOptions(
        MaxTestRows = Nullable test.Count, HeldOut = null, Parzen = null, LogLikelihood = null,
        Reconstruction = ReconstructionSectionOptions(FlipFraction = Nullable 0.2, HideBottomHalf = true),
        LinearProbe = LinearProbeSectionOptions(Probe = LinearProbeOptions(MaxTrainRows = Nullable 3000, IncludePixelBaseline = false)))

let scores (report: EvaluationReport) =
    let error kind = report.Reconstruction.Corruptions |> Seq.find (fun c -> c.Kind = kind) |> fun c -> c.Model.ErrorOnCorrupted
    [ fmt 4 (error CorruptionKind.PixelFlips); fmt 4 (error CorruptionKind.Occlusion); fmt 3 report.LinearProbe.Result.HiddenAccuracy ]

printfn "polarity.fsx — %s UTC" (DateTime.UtcNow.ToString "yyyy-MM-dd HH:mm")
printfn "data: %s; first %d training and %d test images, binarised at half intensity" dataDescription train.Count test.Count
printfn "models: VPF Sampled, centered, the library's defaults otherwise, %d epochs, seed 1" epochs
let rows =
    [ for name, architecture in [ "RBM 784-500", Architecture.Rbm(784, 500); "DBM 784-500-1000", Architecture.Dbm(784, 500, 1000) ] do
        let plan = TrainingPlan(Architecture = architecture, TrainingOptions = TrainingOptions(Epochs = epochs, Seed = 1, Centering = CenteringOptions(Enabled = true)))
        let model = (plan.Run train).Model
        yield [ name; "model, test images" ] @ scores (ModelEvaluator.Evaluate(model, train, test, options))
        yield [ name; "its mirror, inverted test images" ] @ scores (ModelEvaluator.Evaluate(mirror model, invert train, invert test, options)) ]
printfn "\n%s" (markdownTable [ "trained"; "evaluated"; "flip 20 %"; "bottom half"; "probe" ] rows)
