// The paper's closing remark made visible (docs/vpf-math.md §6): half of VPF's symmetric update of an edge,
// δ_k x_j, is "post-synaptic unit k's flow error times pre-synaptic state j". If only that half were applied to a
// pre → post pair, the weight change would depend on which unit changed state first — the shape of
// spike-timing-dependent plasticity (STDP). This script computes that weight change as a function of the timing.
//
//   dotnet build -c Release src/Vpf.Core
//   dotnet fsi scripts/stdp.fsx [--quick] [--out DIR]          (output: out/stdp/stdp.json, stdp.md, stdp.html)
//
// Set-up (all numbers below are the script's choices, not fitted to biology):
// - Two units, pre j and post k. Each changes state once for a burst: its drive rises by Δu at its onset time and
//   falls back D = 10 ms later (pre at 0, post at Δt = t_post − t_pre; positive Δt: pre changed first).
// - The flow terms need a state x and a local field u per unit. Between data states they disagree only while one
//   lags the other, so the script models that lag, with time constant τ = 10 ms, in one of two ways:
//   (b) "state leads": the state jumps with the drive (a spike, or a clamped data unit) and the field u follows
//       it by low-pass filtering (a membrane integrating its inputs);
//   (a) "field leads": the field jumps with the drive and the state relaxes to σ(u), as in the E-step's mean-field
//       sweeps.
// - δ_k = ½[(1 − x_k) e^{u_k/2} − x_k e^{−u_k/2}] (vpf-math §3), zero whenever x_k = σ(u_k). The weight change is
//   gradient descent on K integrated over the episode: Δw = −η ∫ δ_k(t) x_j(t) dt for the asymmetric half, and
//   Δw = −η ∫ (δ_k x_j + δ_j x_k) dt for VPF's actual, symmetric update.
// The δ formula is checked against Vpf.Core's MPF gradient (one plain gradient step) on a two-unit model before use.
#load "Common.fsx"

open System
open System.IO
open Plotly.NET
open Common
open Vpf.Core.Model
open Vpf.Core.Training
open Vpf.Core.Training.Optimisers

let quick = args.Flag "--quick"
let out = outDir "stdp"

let sigma (u: float) = 1.0 / (1.0 + exp -u)
let delta (x: float) (u: float) = 0.5 * ((1.0 - x) * exp (u / 2.0) - x * exp (-u / 2.0))

// --- check δ against the library: two fully visible units joined by a lateral weight; ∂K/∂L_01 = δ_0 x_1 + δ_1 x_0.
// The library's MPF gradient is read off one plain gradient step (SGD, step 1, no momentum, no centering) of a
// TrainingPlan on the single row (x0, x1): L_01 after the step is L_01 − ∂K/∂L_01.
let libraryCheck =
    let start () =
        let model = DeepBoltzmannMachine(Architecture.FullyVisible 2)
        let b, w = model.Biases 0, model.Lateral 0
        b.[0] <- 0.3f; b.[1] <- -0.7f; w.[1] <- 0.9f; w.[2] <- 0.9f
        model
    let oneStep =
        TrainingPlan(
            Architecture = Architecture.FullyVisible 2,
            Method = MpfMethod(),
            TrainingOptions =
                TrainingOptions(
                    Epochs = 1, BatchSize = 1, Seed = 1,
                    Optimiser = OptimiserOptions(Kind = OptimiserKind.SgdMomentum, LearningRate = 1.0f, Momentum = 0.0f),
                    Centering = CenteringOptions(Enabled = false)))
    let worst =
        [ for x0, x1 in [ 0.0, 0.0; 0.0, 1.0; 1.0, 0.0; 1.0, 1.0 ] ->
            let row = Vpf.Core.Data.BinaryDataset.FromBinaryRows(ReadOnlySpan [| float32 x0; float32 x1 |], 1, 2)
            let trained = oneStep.Run(row, resumeFrom = TrainingRunState.Start(start ())).Model
            let libraryGradient = 0.9 - float (trained.Lateral 0).[1]
            let u0, u1 = 0.3 + 0.9 * x1, -0.7 + 0.9 * x0
            let mine = delta x0 u0 * x1 + delta x1 u1 * x0
            abs (mine - libraryGradient) ]
        |> List.max
    printfn "δ check against Vpf.Core's MPF gradient: largest |∂K/∂L_01 difference| = %.2e" worst
    if worst > 1e-4 then failwithf "the script's δ disagrees with the library (%g)" worst
    worst

// --- the episode
let dt = if quick then 0.25 else 0.05       // ms
let tau, burst = 10.0, 10.0                  // lag time constant and burst length, ms
let uRest = -4.0                             // resting drive: σ(−4) ≈ 0.018
let eta = 1.0

/// States and fields of a unit whose drive is uRest + du during [onset, onset + burst).
/// Time is counted in whole steps of dt from −100 ms to 200 ms (long enough for every lag to settle), so that shifting
/// an onset shifts the episode exactly.
let steps = int (round (300.0 / dt)) + 1
let stepOf (t: float) = int (round ((t + 100.0) / dt))

let trace (leads: string) (du: float) (onset: float) =
    let first, last = stepOf onset, stepOf (onset + burst)
    let drive i = if i >= first && i < last then uRest + du else uRest
    let x = Array.zeroCreate steps
    let u = Array.zeroCreate steps
    let mutable lagged = if leads = "state" then uRest else sigma uRest
    for i in 0 .. steps - 1 do
        let d = drive i
        lagged <- lagged + (dt / tau) * ((if leads = "state" then d else sigma d) - lagged)
        if leads = "state" then (x.[i] <- sigma d; u.[i] <- lagged)     // state jumps, field follows
        else (x.[i] <- lagged; u.[i] <- d)                               // field jumps, state relaxes
    x, u

let weightChange leads du (lag: float) =
    let xj, uj = trace leads du 0.0
    let xk, uk = trace leads du lag
    let mutable half, both = 0.0, 0.0
    for i in 0 .. steps - 1 do
        let dk, dj = delta xk.[i] uk.[i], delta xj.[i] uj.[i]
        half <- half - eta * dk * xj.[i] * dt
        both <- both - eta * (dk * xj.[i] + dj * xk.[i]) * dt
    half, both

let lags = if quick then [| -50.0 .. 2.0 .. 50.0 |] else [| -50.0 .. 0.5 .. 50.0 |]
let amplitudes = [ 2.0; 4.0; 6.0 ]

let curves =
    [ for leads in [ "state"; "field" ] do
        for du in amplitudes ->
            let values = lags |> Array.map (weightChange leads du)
            leads, du, Array.map fst values, Array.map snd values ]

// --- output
let name leads du = sprintf "%s leads, Δu = %g" leads du
let chart =
    [ for leads, du, half, _ in curves ->
        Chart.Line(lags, half, Name = name leads du + " (half δ_k x_j)",
                   LineDash = (if leads = "state" then StyleParam.DrawingStyle.Solid else StyleParam.DrawingStyle.Dash))
      for leads, du, _, both in curves do
        if du = List.last amplitudes then
            yield Chart.Line(lags, both, Name = name leads du + " (symmetric VPF update)", LineDash = StyleParam.DrawingStyle.Dot) ]
    |> Chart.combine
    |> Chart.withXAxisStyle (TitleText = "Δt = t_post − t_pre (ms; > 0: pre changed state first)")
    |> Chart.withYAxisStyle (TitleText = "weight change Δw of the pre → post edge")
    |> Chart.withTitle "STDP-style window of the local flow update (τ = 10 ms, bursts of 10 ms)"
    |> Chart.withSize (1100, 650)
saveHtml (Path.Combine(out, "stdp.html")) chart

let at (lag: float) (values: float[]) = values.[lags |> Array.findIndex (fun l -> abs (l - lag) < 1e-9)]
let summary =
    [ for leads, du, half, both in curves ->
        [ leads + " leads"; sprintf "%g" du; fmt 3 (at -10.0 half); fmt 3 (at -2.0 half); fmt 3 (at 2.0 half); fmt 3 (at 10.0 half)
          fmt 3 (at -10.0 both); fmt 3 (at 10.0 both) ] ]
let table =
    markdownTable [ "lag"; "Δu"; "half, Δt = −10"; "half, −2"; "half, +2"; "half, +10"; "symmetric, −10"; "symmetric, +10" ] summary
File.WriteAllText(Path.Combine(out, "stdp.md"),
                  "# stdp.fsx\n\nWeight change of the pre → post edge (η = 1, integrated over the episode).\n\n" + table + "\n")
saveJson (Path.Combine(out, "stdp.json"))
    (obj [ "script", str "stdp.fsx"; "quick", boolean quick; "date", str (DateTime.UtcNow.ToString "o")
           "libraryCheck", num libraryCheck; "tauMs", num tau; "burstMs", num burst; "restingDrive", num uRest
           "lagsMs", arr (lags |> Seq.map num)
           "curves", arr [ for leads, du, half, both in curves ->
                             obj [ "leads", str leads; "driveChange", num du
                                   "half", arr (half |> Seq.map num); "symmetric", arr (both |> Seq.map num) ] ] ])
printfn "%s\n\nwrote %s (stdp.md, stdp.json, stdp.html)" table out
