// The paper's experiments (Liu, Quek & Lin, arXiv 1711.07732; docs/vpf-math.md §7) on Fashion-MNIST.
//
//   dotnet build -c Release src/Vpf.Core
//   dotnet fsi scripts/paper.fsx [--quick] [--data DIR] [--out DIR] [--epochs N] [--train N] [--test N] [--only TEXT]
//       [--centering off|on|both] [--offset-rate NU] [--inverted] [--expected-train N] [--ais-runs N] [--ais-steps A,B,C]
//       [--learning-rate ETA] [--weight-decay LAMBDA] [--sweeps S]
//
// --only TEXT keeps the runs whose "model / method" label contains TEXT (e.g. --only "784-500-1000 / VPF"); several
// alternatives are separated by ';', and one ending in '$' must end the label (e.g. --only "784-500 / ;VPF Sampled$").
// --centering: train every method with centering (on, the default: every method's recorded default), without it
// (off), or both ways (both);
// --offset-rate is ν of the hidden offsets' running mean (default: the library's). --inverted trains and tests on
// 1 − x (every pixel inverted after binarisation), a stand-in for data of another density: a centered trainer is
// invariant to it (vpf-math.md §8), an uncentered one is not.
// --expected-train N: training images of the VPF Expected run (default: the whole training subset).
// --learning-rate, --weight-decay, --sweeps: the optimiser's step, the L2 weight decay and the mean-field sweeps of the
// flow runs (VPF; default: the method's recorded ones); the baselines keep their own. Every run otherwise trains with
// its method's recorded defaults (TrainingMethod.DefaultTraining: optimiser, step, batch).
//
// Models: RBM 784-500 and DBMs 784-500-500 / 784-500-1000, each without and with lateral weights in the hidden
// layers. Methods: VPF with each flow estimator (Sampled, MeanField, Expected), the DBMs also after greedy CD-1
// pretraining; baselines CD-1 and PCD-1 (RBM) and DBM-PCD (every model, also pretrained) — all at equal epochs,
// and compared at equal wall-clock time through the metric-vs-seconds curves and the "at equal time" table.
// Metrics, all from Vpf.Core's ModelEvaluator (one EvaluationReport per run): reconstruction error on the corrupted
// pixels (10/20/30 % flips, bottom half hidden, random 12×12 square) beside the two trivial predictors, AIS test
// log-likelihood (DBM: variational lower bound) and Parzen log-likelihood of samples, linear-probe accuracy; and
// the training seconds.
// Output in out/paper/: results.md, results.json (per run: label, plan, seconds, curve and the EvaluationReport),
// curves.html, filters.html, samples.html, reconstructions.html.
//
// --quick: the same grid on small models (hidden layers of 32/32/64 units) and 1,000 training images, to check
// that everything runs (< 2 minutes on 2 cores). The full run is sized for 60 minutes on 2 cores: the printed
// header states the subset, epochs and grid.
#load "Common.fsx"

open System
open System.Diagnostics
open System.IO
open System.Text.Json.Nodes
open Plotly.NET
open Common
open Vpf.Core.Data
open Vpf.Core.Evaluation
open Vpf.Core.Evaluation.Report
open Vpf.Core.Model
open Vpf.Core.Persistence
open Vpf.Core.Reconstruction
open Vpf.Core.Sampling
open Vpf.Core.Training
open Vpf.Core.Training.Optimisers

let quick = args.Flag "--quick"
let inverted = args.Flag "--inverted"
let centeringModes =
    match args.Value "--centering" |> Option.defaultValue (if CenteringOptions().Enabled then "on" else "off") with
    | "off" -> [ false ]
    | "on" -> [ true ]
    | "both" -> [ false; true ]
    | other -> failwithf "--centering must be off, on or both; got '%s'" other
let offsetRate = args.Value "--offset-rate" |> Option.map float32 |> Option.defaultValue (CenteringOptions().HiddenOffsetRate)
let learningRate = args.Value "--learning-rate" |> Option.map float32
let weightDecay = args.Value "--weight-decay" |> Option.map float32
let sweeps = args.Int("--sweeps", VpfOptions.DefaultMeanFieldSweeps)
let out = outDir "paper"
let started = DateTime.UtcNow
let wallClock = Stopwatch.StartNew()

// ---------------------------------------------------------------------------------------------------------------
// Configuration: what runs, and how big. Everything the output's header reports comes from here.

type Config =
    { TrainRows: int; TestRows: int; Epochs: int; PretrainEpochs: int; Hidden: int * int * int
      ProbeTrainRows: int; CurveTestRows: int; ExpectedTrainRows: int
      GibbsBurnIn: int; SampleCount: int; ProbeIterations: int; CurveProbeIterations: int
      AisRuns: int; AisSteps: int * int * int }

let config =
    if quick then
        { TrainRows = 1000; TestRows = 200; Epochs = 2; PretrainEpochs = 1; Hidden = (32, 32, 64)
          ProbeTrainRows = 1000; CurveTestRows = 100; ExpectedTrainRows = 100
          GibbsBurnIn = 20; SampleCount = 100; ProbeIterations = 30; CurveProbeIterations = 10
          AisRuns = 16; AisSteps = (20, 80, 100) }
    else
        { TrainRows = 6000; TestRows = 500; Epochs = 5; PretrainEpochs = 1; Hidden = (500, 500, 1000)
          ProbeTrainRows = 3000; CurveTestRows = 300; ExpectedTrainRows = Int32.MaxValue
          GibbsBurnIn = 100; SampleCount = 200; ProbeIterations = 100; CurveProbeIterations = 40
          AisRuns = 100; AisSteps = (500, 4000, 10000) }
    |> fun c ->
        let steps =
            match args.Value "--ais-steps" with
            | Some text -> (match text.Split ',' |> Array.map int with
                            | [| a; b; c |] -> (a, b, c)
                            | _ -> failwithf "--ais-steps takes three counts A,B,C (to β = 0.5, 0.9, 1); got '%s'" text)
            | None -> c.AisSteps
        { c with Epochs = args.Int("--epochs", c.Epochs); TrainRows = args.Int("--train", c.TrainRows); TestRows = args.Int("--test", c.TestRows)
                 AisRuns = args.Int("--ais-runs", c.AisRuns); AisSteps = steps
                 ExpectedTrainRows = args.Int("--expected-train", c.ExpectedTrainRows) }

let fullTrain, fullTest, dataDescription = loadData (args.Value "--data")

let train = fullTrain.Subset(0, min config.TrainRows fullTrain.Count) |> fun d -> if inverted then invert d else d
let test = fullTest.Subset(0, min config.TestRows fullTest.Count) |> fun d -> if inverted then invert d else d
let h1, h2, h3 = config.Hidden

/// One run of the grid: a Vpf.Core training plan, its label in the tables, and the training rows it uses.
type Run = { ArchName: string; Label: string; Plan: TrainingPlan; TrainRows: int; Centered: bool }

let architectures =
    [ for lateral in [ false; true ] do
        let lat (a: Architecture) = if lateral then a.WithLateral([| 1 .. a.LayerCount - 1 |]) else a
        yield lat (Architecture.Rbm(784, h1)), lateral
        yield lat (Architecture.Dbm(784, h1, h2)), lateral
        yield lat (Architecture.Dbm(784, h1, h3)), lateral ]

let archName (a: Architecture, lateral: bool) =
    String.Join("-", a.LayerSizes) + (if lateral then " lateral" else "")

// ---------------------------------------------------------------------------------------------------------------
// Training settings: every method's recorded defaults (TrainingMethod.DefaultTraining: optimiser, step, momentum,
// batch), with the grid's epochs, seed 1 and centering; --learning-rate and --weight-decay override the flow runs'.
// Greedy pretraining: CD-1 with CD's recorded defaults.

let centeringOf centered = CenteringOptions(Enabled = centered, HiddenOffsetRate = offsetRate)

/// The method's recorded training loop with the grid's epochs, seed 1 and centering.
let training (m: TrainingMethod) epochs centered =
    let d = m.DefaultTraining
    let o = d.Optimiser
    let step = (if m.IsFlow then learningRate else None) |> Option.defaultValue o.LearningRate
    let decay = (if m.IsFlow then weightDecay else None) |> Option.defaultValue o.WeightDecay
    let optimiser =
        OptimiserOptions(Kind = o.Kind, LearningRate = step, Momentum = o.Momentum, Beta1 = o.Beta1, Beta2 = o.Beta2,
                         Epsilon = o.Epsilon, WeightDecay = decay)
    TrainingOptions(Epochs = epochs, BatchSize = d.BatchSize, Seed = 1, Shuffle = d.Shuffle, DivergenceThreshold = d.DivergenceThreshold,
                    Optimiser = optimiser, Centering = centeringOf centered)

/// Seed 1 for the initial weights and for training; greedy CD-1 pretraining (CD's recorded defaults, PretrainEpochs
/// per RBM) for the "+ pretrain" runs.
let plan (a: Architecture) (m: TrainingMethod) (pretrained: bool) (centered: bool) =
    TrainingPlan(
        Architecture = a, Method = m, TrainingOptions = training m config.Epochs centered,
        Pretraining = (if pretrained then PretrainingOptions(Seed = 1, Training = training (CdMethod()) config.PretrainEpochs centered) else null))

let vpf (e: FlowEstimator) = VpfMethod(Options = VpfOptions(Estimator = e, MeanFieldSweeps = sweeps)) :> TrainingMethod

/// The grid. Expected costs a transcendental per (datum, unit, neighbour): only on the RBM without laterals, and on a
/// training subset of ExpectedTrainRows images.
let grid =
    [ for (a, lateral) in architectures do
        let name = archName (a, lateral)
        let isRbm = a.LayerCount = 2
        for centered in centeringModes do
            let run label m pretrained =
                { ArchName = name; Label = label + (if centered then " centered" else ""); Plan = plan a m pretrained centered
                  TrainRows = train.Count; Centered = centered }
            let pretrain = " + pretrain"
            yield run "VPF Sampled" (vpf FlowEstimator.Sampled) false
            yield run "VPF MeanField" (vpf FlowEstimator.MeanField) false
            if isRbm && not lateral then
                yield { run "VPF Expected" (vpf FlowEstimator.Expected) false with TrainRows = min config.ExpectedTrainRows train.Count }
            if not isRbm && not lateral then
                yield run ("VPF Sampled" + pretrain) (vpf FlowEstimator.Sampled) true
                yield run ("VPF MeanField" + pretrain) (vpf FlowEstimator.MeanField) true
            if isRbm && not lateral then
                yield run "CD-1" (CdMethod(Steps = 1)) false
                yield run "PCD-1" (PcdMethod(Steps = 1)) false
            yield run "DBM-PCD" (DbmPcdMethod()) false
            if not isRbm && not lateral then yield run ("DBM-PCD" + pretrain) (DbmPcdMethod()) true ]
    |> List.filter (fun r -> match args.Value "--only" with
                             | Some s ->
                                 let name = r.ArchName + " / " + r.Label
                                 s.Split ';' |> Array.exists (fun t ->
                                     if t.EndsWith '$' then name.EndsWith(t.TrimEnd '$', StringComparison.OrdinalIgnoreCase)
                                     else name.Contains(t, StringComparison.OrdinalIgnoreCase))
                             | None -> true)

// ---------------------------------------------------------------------------------------------------------------
// Evaluation: Vpf.Core's ModelEvaluator, with the options below. Every number in the tables comes from its reports.

let evaluationOptions (pixelBaseline: bool) =
    let a, b, c = config.AisSteps
    EvaluationOptions(
        Seed = 1, MaxTestRows = Nullable(),
        Reconstruction = ReconstructionSectionOptions(FlipFraction = Nullable 0.1, AdditionalFlipFractions = [| 0.2; 0.3 |], RandomSquareSize = Nullable 12),
        LogLikelihood = LogLikelihoodSectionOptions(AisRuns = config.AisRuns, Exact = false,
                                                    AisSchedule = AisSchedule.Piecewise(struct (0.5, a), struct (0.9, b), struct (1.0, c))),
        Parzen = ParzenSectionOptions(Chains = config.SampleCount, SamplesPerChain = 1, BurnIn = config.GibbsBurnIn, ValidationRows = 200),
        LinearProbe = LinearProbeSectionOptions(
            Probe = LinearProbeOptions(MaxTrainRows = Nullable config.ProbeTrainRows, IncludePixelBaseline = pixelBaseline,
                                       Regression = SoftmaxRegressionOptions(MaxIterations = config.ProbeIterations))))

/// The curve's cheap evaluation after every epoch: the probe on ≤ 1,000 training images and the 20 % flip error.
let curveOptions =
    EvaluationOptions(
        Seed = 7, MaxTestRows = Nullable config.CurveTestRows, HeldOut = null, LogLikelihood = null, Parzen = null,
        Reconstruction = ReconstructionSectionOptions(FlipFraction = Nullable 0.2, HideBottomHalf = false),
        LinearProbe = LinearProbeSectionOptions(
            Probe = LinearProbeOptions(IncludePixelBaseline = false, MaxTrainRows = Nullable 1000,
                                       Regression = SoftmaxRegressionOptions(MaxIterations = config.CurveProbeIterations))))

let probeOf (r: EvaluationReport) = if isNull r.LinearProbe then nan else r.LinearProbe.Result.HiddenAccuracy
let errorOf (r: EvaluationReport) (i: int) = r.Reconstruction.Corruptions.[i].Model.ErrorOnCorrupted

// ---------------------------------------------------------------------------------------------------------------
// One run: (pretrain), train epoch by epoch with the curve's evaluation at every epoch end, then the full one.

type EpochMetrics = { Epoch: int; Seconds: float; MeanObjective: float; Probe: float; Flip20: float }

type Result =
    { Run: Run; Model: DeepBoltzmannMachine; Curve: EpochMetrics list; TrainSeconds: float; PretrainSeconds: float
      Report: EvaluationReport; Samples: float32[]; Error: string option }

let execute (index: int) (run: Run) : Result =
    let data = train.Subset(0, run.TrainRows)
    let plan = run.Plan
    let model, created = timed (fun () -> plan.CreateModel data)
    let pretrainSeconds = if isNull plan.Pretraining then 0.0 else created
    let curve = ResizeArray<EpochMetrics>()
    let point epoch seconds meanObjective =
        let r = ModelEvaluator.Evaluate(model, train, test, curveOptions)
        curve.Add { Epoch = epoch; Seconds = pretrainSeconds + seconds; MeanObjective = meanObjective; Probe = probeOf r; Flip20 = errorOf r 0 }
    point 0 0.0 nan
    // The plan's seconds already exclude the time spent in this callback (the curve's evaluation).
    let progress (p: TrainingProgress) = if p.Batch = p.BatchesPerEpoch then point p.Epoch p.Seconds p.EpochMeanObjective
    let error =
        try
            plan.Run(data, progress = Action<_> progress, resumeFrom = TrainingRunState.Start model) |> ignore
            None
        with :? TrainingDivergedException as e -> Some e.Message
    let last = Seq.last curve
    let provenance = ModelFileInfo.ForTraining(plan.Method, plan.TrainingOptions, last.Epoch)
    let report = ModelEvaluator.Evaluate(model, train, test, evaluationOptions (index = 0), provenance = provenance, dataSource = dataDescription)
    // The page's 16 samples: p(v = 1 | h) at the end of Gibbs chains started at random (the evaluator keeps its own).
    let sampler = GibbsSampler(model, 16, 11UL)
    sampler.InitialiseRandom()
    { Run = run; Model = model; Curve = List.ofSeq curve; TrainSeconds = last.Seconds; PretrainSeconds = pretrainSeconds; Report = report
      Samples = sampler.Sample(1, config.GibbsBurnIn, 1, GibbsRecord.VisibleProbabilities).VisibleProbabilities; Error = error }

// ---------------------------------------------------------------------------------------------------------------

let header =
    [ sprintf "paper.fsx%s — %s UTC" (if quick then " --quick" else "") (started.ToString "yyyy-MM-dd HH:mm")
      sprintf "machine: %s" (machine ())
      sprintf "data: %s; training subset %d images, test %d images (binarised at half intensity%s)" dataDescription train.Count test.Count (if inverted then ", then inverted: x → 1 − x" else "")
      sprintf "centering: %s (hidden offset rate ν = %g, visible offsets the training mean, hidden offsets start at 0.5)"
          (match centeringModes with [ false ] -> "off" | [ true ] -> "on" | _ -> "each run without and with") offsetRate
      sprintf "models: RBM 784-%d, DBM 784-%d-%d, DBM 784-%d-%d, each without and with lateral hidden weights" h1 h1 h2 h1 h3
      sprintf "epochs: %d for every method (greedy pretraining: +%d CD-1 epochs per RBM, its seconds counted)" config.Epochs config.PretrainEpochs
      (let describe (m: TrainingMethod) =
           let t = training m config.Epochs true
           let o = t.Optimiser
           sprintf "%s: %O %g%s, weight decay %g, batch %d" m.Description o.Kind o.LearningRate
               (if o.Kind = OptimiserKind.SgdMomentum then sprintf " momentum %g" o.Momentum else "") o.WeightDecay t.BatchSize
       "training (each method's recorded defaults): " + String.Join("; ", [ describe (vpf FlowEstimator.Sampled); describe (CdMethod()); describe (PcdMethod()); describe (DbmPcdMethod()) ]))
      sprintf "VPF Expected (a transcendental per datum, unit and neighbour) only on the RBM without laterals, trained on the first %d images" (min config.ExpectedTrainRows train.Count)
      sprintf "evaluation: Vpf.Core's ModelEvaluator, seed 1, on the %d test images, training statistics (marginals, probe) from the training subset; reconstruction: mean-field, error on the corrupted pixels" test.Count
      sprintf "linear probe: softmax regression, L-BFGS, %d iterations, on the first %d training images (curves: %d iterations)" config.ProbeIterations (min config.ProbeTrainRows train.Count) config.CurveProbeIterations
      sprintf "curves: linear probe (≤ 1,000 training images) and 20%% flip error on %d test images after every epoch; their time is not counted" (min config.CurveTestRows test.Count)
      sprintf "Parzen: %d Gibbs chains from random states, %d sweeps, p(v | h) recorded; σ chosen on the first 200 test images (the first half when there are fewer than 400), the rest scored" config.SampleCount config.GibbsBurnIn
      (let a, b, c = config.AisSteps
       sprintf "AIS: %d runs, %d temperatures (%d to β = 0.5, %d to 0.9, %d to 1; the paper used 14,500 and 100 runs — a short schedule tends to underestimate log Z, i.e. to flatter the log-likelihood), base rates from the training marginals (RBM: exact given log Z; DBM and laterals: mean-field lower bound)" config.AisRuns (a + b + c) a b c)
      sprintf "grid: %d runs" grid.Length ]
header |> List.iter (printfn "%s")

let results =
    grid |> List.mapi (fun i run ->
        printf "[%2d/%d] %-24s %-22s " (i + 1) grid.Length run.ArchName (run.Label)
        let r, s = timed (fun () -> execute i run)
        let ais = r.Report.LogLikelihood.Ais
        printfn "train %6.1f s  probe %.3f  flip20 %.3f  AIS %s  parzen %.0f  (%.0f s with evaluation)%s"
            r.TrainSeconds (probeOf r.Report) (errorOf r.Report 1) (if isNull ais then "n/a" else sprintf "%.1f" ais.MeanLogLikelihood)
            r.Report.Parzen.Model.MeanLogLikelihood s (match r.Error with Some e -> " DIVERGED: " + e | None -> "")
        r)

// ---------------------------------------------------------------------------------------------------------------
// Tables

let first = results.[0].Report
let pixelProbe = if isNull first.LinearProbe then nan else first.LinearProbe.Result.PixelAccuracy
let label (r: Result) = sprintf "%s / %s" r.Run.ArchName (r.Run.Label)

/// Curve value at the latest epoch end within `seconds` (equal wall-clock comparison).
let atTime (seconds: float) (r: Result) =
    r.Curve |> List.filter (fun p -> p.Seconds <= seconds + 1e-9) |> List.tryLast

/// Two budgets per model: the shortest and the median total training time among its methods (full training subset).
let budgets =
    results |> List.groupBy (fun r -> r.Run.ArchName)
    |> List.map (fun (a, rs) ->
        let times = rs |> List.filter (fun r -> r.Run.TrainRows = train.Count) |> List.map (fun r -> r.TrainSeconds) |> List.sort
        a, (List.head times, times.[(times.Length - 1) / 2]))
    |> Map.ofList

let mainTable =
    let head = [ "model"; "method"; "train imgs"; "epochs"; "train s"; "flip 10%"; "flip 20%"; "flip 30%"; "bottom half"; "12×12 square"; "AIS LL (±3σ)"; "Parzen LL"; "probe acc" ]
    let rows =
        [ for r in results ->
            let ais = r.Report.LogLikelihood.Ais
            [ r.Run.ArchName; r.Run.Label + (if r.Error.IsSome then " (diverged)" else ""); string r.Run.TrainRows; string config.Epochs
              fmt 1 r.TrainSeconds ] @ [ for i in 0 .. 4 -> fmt 4 (errorOf r.Report i) ]
            @ [ (if isNull ais then "n/a" else sprintf "%.1f (%s, %s)" ais.MeanLogLikelihood (fmtBound ais.Lower) (fmtBound ais.Upper))
                fmt 1 r.Report.Parzen.Model.MeanLogLikelihood; fmt 4 (probeOf r.Report) ] ]
    let trivial name (pick: CorruptionResult -> ReconstructionScores) =
        [ "—"; name; "—"; "—"; "—" ] @ [ for c in first.Reconstruction.Corruptions -> fmt 4 (pick c).ErrorOnCorrupted ] @ [ "—"; "—"; "—" ]
    markdownTable head (rows @ [ trivial "corrupted input as is" (fun c -> c.CorruptedInput); trivial "majority fill" (fun c -> c.MajorityFill)
                                 [ "—"; "raw pixels"; "—"; "—"; "—"; "—"; "—"; "—"; "—"; "—"; "—"; "—"; fmt 4 pixelProbe ] ])

let equalTimeTable =
    let head = [ "model"; "method"; "shortest budget s"; "epochs done"; "probe acc"; "flip 20% error"; "median budget s"; "epochs done"; "probe acc"; "flip 20% error" ]
    let cells (b: float) (r: Result) =
        match atTime b r with
        | Some p -> [ fmt 1 b; string p.Epoch; fmt 4 p.Probe; fmt 4 p.Flip20 ]
        | None -> [ fmt 1 b; "pretraining"; "–"; "–" ]
    let rows =
        [ for r in results do
            if r.Run.TrainRows = train.Count then
                let shortest, median = budgets.[r.Run.ArchName]
                yield [ r.Run.ArchName; r.Run.Label ] @ cells shortest r @ cells median r ]
    markdownTable head rows

let markdown =
    String.Join("\n",
        [ "# paper.fsx results"; ""; String.Join("\n", header |> List.map (fun l -> "- " + l)); ""
          "## At equal epochs"; ""
          "Reconstruction columns: per-pixel error on the corrupted pixels (mean-field; lower is better); the last rows are the trivial predictors every model must beat. AIS: test log-likelihood in nats (DBM and lateral models: mean-field variational lower bound), with the range from the ±3σ bounds of log Z (+∞ when the importance weights are so spread that mean − 3σ/√runs ≤ 0: then the estimate is unreliable). Parzen: Gaussian-kernel log-likelihood of test images under the model's samples (nats; a weak, much-criticised estimate, shown because the paper reports it). Probe: test accuracy of a softmax regression on the mean-field hidden rates."
          ""; mainTable; ""
          "## At equal wall-clock time"; ""
          "Per model, two budgets: the shortest and the median total training time among its methods (full training subset; timings on a shared machine are noisy). Each method is read at its last epoch end within the budget (epoch 0 = the start, after pretraining if any; \"pretraining\" = still pretraining when the budget ran out)."
          ""; equalTimeTable; ""
          sprintf "Total wall-clock time of the script: %.0f s." wallClock.Elapsed.TotalSeconds ])
File.WriteAllText(Path.Combine(out, "results.md"), markdown)

// ---------------------------------------------------------------------------------------------------------------
// JSON: per run its label, plan, seconds, curve and the evaluator's report (as EvaluationReport.ToJson writes it).

let parsed (json: string) = if isNull json then null else JsonNode.Parse json
let json =
    obj [ "script", str "paper.fsx"; "quick", boolean quick; "date", str (started.ToString "o"); "machine", str (machine ())
          "settings", arr (header |> List.map str); "totalSeconds", num wallClock.Elapsed.TotalSeconds
          "runs", arr [ for r in results ->
                        let plan = r.Run.Plan
                        obj [ "model", str r.Run.ArchName; "method", str r.Run.Label; "centered", boolean r.Run.Centered; "trainRows", num (float r.Run.TrainRows)
                              "plan", obj [ "architecture", str (string plan.Architecture); "method", str plan.Method.Name; "options", parsed (plan.Method.OptionsJson())
                                            "training", parsed r.Report.Model.Training.TrainingOptionsJson
                                            "pretrainEpochs", (if isNull plan.Pretraining then null else num (float config.PretrainEpochs)) ]
                              "diverged", (match r.Error with Some e -> str e | None -> null)
                              "trainSeconds", num r.TrainSeconds; "pretrainSeconds", num r.PretrainSeconds
                              "curve", arr [ for p in r.Curve ->
                                               obj [ "epoch", num (float p.Epoch); "seconds", num p.Seconds; "meanObjective", num p.MeanObjective
                                                     "probeAccuracy", num p.Probe; "flip20Error", num p.Flip20 ] ]
                              "evaluation", JsonNode.Parse(r.Report.ToJson()) ] ] ]
saveJson (Path.Combine(out, "results.json")) json

// ---------------------------------------------------------------------------------------------------------------
// Charts (self-contained HTML)

let archNames = results |> List.map (fun r -> r.Run.ArchName) |> List.distinct

let curves =
    [ for a in archNames do
        let rs = results |> List.filter (fun r -> r.Run.ArchName = a)
        for (metric: EpochMetrics -> float), metricName in [ (fun (p: EpochMetrics) -> p.Probe), "probe accuracy"; (fun (p: EpochMetrics) -> p.Flip20), "20% flip error" ] do
            for (axis: EpochMetrics -> float), axisName in [ (fun (p: EpochMetrics) -> float p.Epoch), "epoch"; (fun (p: EpochMetrics) -> p.Seconds), "seconds" ] do
                yield
                    rs
                    |> List.map (fun r ->
                        Chart.Line(r.Curve |> List.map axis, r.Curve |> List.map metric, Name = label r, ShowMarkers = true,
                                   ShowLegend = (axisName = "epoch" && metricName = "probe accuracy")))
                    |> Chart.combine
                    |> Chart.withXAxisStyle (TitleText = axisName)
                    |> Chart.withYAxisStyle (TitleText = sprintf "%s<br>%s" a metricName) ]
    |> Chart.Grid(archNames.Length, 4)
    |> Chart.withSize (1500, 330 * archNames.Length)
    |> Chart.withTitle "paper.fsx: metric vs epoch and vs training seconds"
saveHtml (Path.Combine(out, "curves.html")) curves

let heat (name: string) (images: float32[] list) =
    Chart.Heatmap(zData = mosaic 28 28 images, ColorScale = StyleParam.Colorscale.Greys, ShowScale = false, ReverseScale = true)
    |> Chart.withYAxisStyle (TitleText = name, ShowGrid = false, ZeroLine = false)
    |> Chart.withXAxisStyle (ShowGrid = false, ZeroLine = false)

let imagePage (title: string) (rows: (string * float32[] list) list) (path: string) =
    rows |> List.map (fun (n, imgs) -> heat n imgs)
    |> Chart.Grid(rows.Length, 1)
    |> Chart.withSize (1300, 130 * rows.Length + 100)
    |> Chart.withTitle title
    |> saveHtml path

let filters (m: DeepBoltzmannMachine) count =
    let n1 = m.LayerSize 1
    let w = m.Weights 0
    [ for j in 0 .. min count n1 - 1 ->
        let f = Array.init 784 (fun i -> w.[i * n1 + j])
        let lo, hi = Array.min f, Array.max f
        f |> Array.map (fun x -> if hi > lo then (x - lo) / (hi - lo) else 0.5f) ]

imagePage "First-layer filters (W₀ columns, each scaled to [0, 1])" [ for r in results -> label r, filters r.Model 16 ] (Path.Combine(out, "filters.html"))
imagePage "Samples: p(v = 1 | h) at the end of Gibbs chains started at random"
    [ for r in results -> label r, [ for s in 0 .. 15 -> r.Samples.[s * 784 .. s * 784 + 783] ] ] (Path.Combine(out, "samples.html"))

let reconRows =
    [ for c in [ Corruption.FlipPixels 0.2; Corruption.HideBottomHalf(train) ] do
        let batch = c.Apply(test, 3, 0, 8)
        let split (a: float32[]) = [ for i in 0 .. 7 -> a.[i * 784 .. i * 784 + 783] ]
        yield c.Description + ": clean", split batch.Clean
        yield c.Description + ": corrupted", split batch.Values
        for r in results do
            yield label r, split (Reconstructor(r.Model).Reconstruct batch) ]
imagePage "Reconstructions (mean-field probabilities)" reconRows (Path.Combine(out, "reconstructions.html"))

printfn "\n%s\n\nwrote %s (results.md, results.json, curves.html, filters.html, samples.html, reconstructions.html) in %.0f s"
    mainTable out wallClock.Elapsed.TotalSeconds
