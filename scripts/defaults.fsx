// Where the training defaults come from: VPF (Sampled) on an RBM 784-500 and a DBM 784-500-1000, changing one
// setting at a time around the library's defaults, on plain and on inverted (x → 1 − x) Fashion-MNIST.
//
//   dotnet build -c Release src/Vpf.Core
//   dotnet fsi scripts/defaults.fsx [--quick] [--data DIR] [--out DIR] [--train N] [--test N] [--eval-at 5,10]
//       [--inverted] [--models rbm,dbm] [--only TEXT] [--ais-runs N] [--ais-temperatures N]
//
// --quick: the same variations on an RBM 784-32 and a DBM 784-32-64, 600 training images and a short AIS, to check
// that everything runs (the tests run it).
//
// Every run trains max(--eval-at) epochs and is evaluated after each epoch listed in --eval-at (the evaluation's time
// is not training time): linear probe on the hidden rates, reconstruction of 20 % flipped pixels and of the hidden
// bottom half (mean-field, error on the corrupted pixels), AIS test log-likelihood (DBM: its mean-field lower bound).
// The variations: centering off; hidden offset rate ν; Adam's step; weight decay; mean-field sweeps (DBM only: an
// RBM's E-step is exact after one). --only TEXT keeps the variations whose name contains TEXT (alternatives separated
// by ';').
// Output in out/defaults/: defaults.md and defaults.json (every evaluation report in full).
#load "Common.fsx"

open System
open System.IO
open System.Text.Json.Nodes
open Common
open Vpf.Core.Data
open Vpf.Core.Evaluation
open Vpf.Core.Evaluation.Report
open Vpf.Core.Model
open Vpf.Core.Reconstruction
open Vpf.Core.Training
open Vpf.Core.Training.Optimisers

let quick = args.Flag "--quick"
let inverted = args.Flag "--inverted"
let trainRows = args.Int("--train", if quick then 600 else 10000)
let testRows = args.Int("--test", if quick then 200 else 1000)
let evalAt =
    args.Value "--eval-at" |> Option.defaultValue (if quick then "1" else "5") |> fun s -> s.Split ',' |> Array.map int |> Array.sort |> List.ofArray
let models = args.Value "--models" |> Option.defaultValue "rbm,dbm" |> fun s -> s.Split ',' |> List.ofArray
let aisRuns = args.Int("--ais-runs", if quick then 10 else 50)
let aisTemperatures = args.Int("--ais-temperatures", if quick then 200 else 5000)
let hidden1, hidden2 = if quick then 32, 64 else 500, 1000
let out = outDir "defaults"
let wallClock = Diagnostics.Stopwatch.StartNew()

let fullTrain, fullTest, dataDescription = loadData (args.Value "--data")
let train = fullTrain.Subset(0, min trainRows fullTrain.Count) |> fun d -> if inverted then invert d else d
let test = fullTest.Subset(0, min testRows fullTest.Count) |> fun d -> if inverted then invert d else d

/// One setting changed from the library's defaults for a VPF run as the CLI trains it (centering on).
type Variation = { Name: string; Centered: bool; OffsetRate: float32; LearningRate: float32; WeightDecay: float32; Sweeps: int }

let defaults =
    { Name = "defaults (centered)"; Centered = true; OffsetRate = CenteringOptions().HiddenOffsetRate
      LearningRate = OptimiserOptions().LearningRate; WeightDecay = OptimiserOptions().WeightDecay; Sweeps = VpfOptions().MeanFieldSweeps }

let variations (isRbm: bool) =
    let d = defaults
    [ yield d
      yield { d with Name = "centering off"; Centered = false }
      for nu in [ 0.01f; 0.2f; 1.0f ] do yield { d with Name = sprintf "ν = %g" nu; OffsetRate = nu }
      for eta in [ 3e-4f; 3e-3f; 1e-2f ] do yield { d with Name = sprintf "Adam step %g" eta; LearningRate = eta }
      for decay in [ 1e-4f; 1e-3f ] do yield { d with Name = sprintf "weight decay %g" decay; WeightDecay = decay }
      if not isRbm then
          for sweeps in [ 3; 30 ] do yield { d with Name = sprintf "%d sweeps" sweeps; Sweeps = sweeps } ]
    |> List.filter (fun v -> match args.Value "--only" with Some t -> t.Split ';' |> Array.exists v.Name.Contains | None -> true)

let plan (architecture: Architecture) (v: Variation) =
    TrainingPlan(
        Architecture = architecture,
        Method = VpfMethod(Options = VpfOptions(MeanFieldSweeps = v.Sweeps)),
        TrainingOptions =
            TrainingOptions(
                Epochs = List.max evalAt,
                Optimiser = OptimiserOptions(LearningRate = v.LearningRate, WeightDecay = v.WeightDecay),
                Centering = CenteringOptions(Enabled = v.Centered, HiddenOffsetRate = v.OffsetRate)))

let evaluationOptions =
    flipOcclusionProbeOptions train test (LogLikelihoodSectionOptions(AisRuns = aisRuns, AisTemperatures = aisTemperatures))

type Row = { Model: string; Variation: string; Epoch: int; TrainSeconds: float; Report: EvaluationReport; Diverged: string option }

let run (modelName: string) (architecture: Architecture) (v: Variation) =
    let plan = plan architecture v
    let model = plan.CreateModel train
    let rows = ResizeArray<Row>()
    let mutable seconds = 0.0
    let evaluate epoch diverged =
        let report = ModelEvaluator.Evaluate(model, train, test, evaluationOptions)
        let row = { Model = modelName; Variation = v.Name; Epoch = epoch; TrainSeconds = seconds; Report = report; Diverged = diverged }
        let ll = report.LogLikelihood.Ais.MeanLogLikelihood
        printfn "%-18s %-22s epoch %2d  train %6.1f s  probe %.3f  flip20 %.4f  bottom %.4f  AIS %.1f%s"
            modelName v.Name epoch seconds report.LinearProbe.Result.HiddenAccuracy (corruptionError report CorruptionKind.PixelFlips)
            (corruptionError report CorruptionKind.Occlusion) ll (match diverged with Some _ -> "  (diverged)" | None -> "")
        rows.Add row
    // The plan's seconds exclude the time spent in this callback (the evaluations).
    let progress (p: TrainingProgress) =
        seconds <- p.Seconds
        if p.Batch = p.BatchesPerEpoch && List.contains p.Epoch evalAt then evaluate p.Epoch None
    try
        plan.Run(train, progress = Action<_> progress, resumeFrom = TrainingRunState.Start model) |> ignore
    with :? TrainingDivergedException as e -> evaluate -1 (Some e.Message)
    List.ofSeq rows

let architectures =
    [ if List.contains "rbm" models then yield sprintf "RBM 784-%d" hidden1, Architecture.Rbm(784, hidden1)
      if List.contains "dbm" models then yield sprintf "DBM 784-%d-%d" hidden1 hidden2, Architecture.Dbm(784, hidden1, hidden2) ]

let header =
    [ sprintf "defaults.fsx%s — %s UTC" (if quick then " --quick" else "") (DateTime.UtcNow.ToString "yyyy-MM-dd HH:mm")
      sprintf "machine: %s" (machine ())
      sprintf "data: %s; first %d training and %d test images, binarised at half intensity%s" dataDescription train.Count test.Count
          (if inverted then ", then inverted: x → 1 − x" else "")
      sprintf "defaults: VPF Sampled, %d mean-field sweeps, Adam %g, weight decay %g, batch %d, centering on (ν = %g), seed %d; evaluated after epochs %s"
          defaults.Sweeps defaults.LearningRate defaults.WeightDecay (TrainingOptions().BatchSize) defaults.OffsetRate
          (TrainingOptions().Seed) (String.Join(", ", evalAt))
      sprintf "evaluation: probe (softmax regression on the hidden rates of 3,000 training images), flip 20 %% and bottom half (mean-field, error on the corrupted pixels), AIS %d runs × %d temperatures (DBM: mean-field lower bound), on %d test images"
          aisRuns aisTemperatures test.Count ]
header |> List.iter (printfn "%s")

let results = [ for name, a in architectures do for v in variations a.IsRbm do yield! run name a v ]

let table =
    markdownTable [ "model"; "variation"; "epoch"; "train s"; "probe"; "flip 20 %"; "bottom half"; "AIS test LL (±3σ)" ]
        [ for r in results ->
            let ais = r.Report.LogLikelihood.Ais
            [ r.Model; r.Variation; (if r.Epoch < 0 then "diverged" else string r.Epoch); fmt 1 r.TrainSeconds
              fmt 3 r.Report.LinearProbe.Result.HiddenAccuracy; fmt 4 (corruptionError r.Report CorruptionKind.PixelFlips)
              fmt 4 (corruptionError r.Report CorruptionKind.Occlusion); sprintf "%.1f (%s, %s)" ais.MeanLogLikelihood (fmtBound ais.Lower) (fmtBound ais.Upper) ] ]

File.WriteAllText(Path.Combine(out, "defaults.md"),
    String.Join("\n", (header |> List.map (sprintf "- %s")) @ [ ""; table; ""; sprintf "Total wall-clock time: %.0f s." wallClock.Elapsed.TotalSeconds ]) + "\n")
saveJson (Path.Combine(out, "defaults.json"))
    (arr [ for r in results ->
            obj [ "model", str r.Model; "variation", str r.Variation; "epoch", num (float r.Epoch); "trainSeconds", num r.TrainSeconds
                  "diverged", (match r.Diverged with Some m -> str m | None -> null)
                  "evaluation", JsonNode.Parse(r.Report.ToJson()) ] ])
printfn "\n%s\n\nwrote %s (defaults.md, defaults.json) in %.0f s" table out wallClock.Elapsed.TotalSeconds
