/// Locality and symmetry with a Gaussian visible layer (vpf-math.md §9): the update of a visible–hidden edge (i, j) is
/// the mean of −r_i h_j + δ_j v_i, with r_i = v_i − u_i from visible unit i's state and field alone and δ_j from hidden unit
/// j's; every other edge keeps §4's rule. Cases are the generator's cases with ≥ 2 layers and no visible laterals, the
/// visible states mapped from [0, 1] to real values in [−3, 3].
module Vpf.Properties.GaussianLocality

open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Vpf.Core.Model
open Vpf.Core.Training
open Vpf.Properties.Generators
open Vpf.Properties.Oracle

let private oracleTolerance = 1e-4

/// Whether the case can carry a Gaussian visible layer: a hidden layer above it and no lateral weights in it.
let private admissible (c: Case) = c.Layers >= 2 && not c.Lateral[0]

/// The case with real-valued visible states: x ↦ 6x − 3 (on the generator's grid of 0.001, so still exact in float32).
let private gaussian (c: Case) =
    { c with States = c.States |> Array.updateAt 0 (c.States[0] |> Array.map (fun v -> 6f * v - 3f)) }

/// K and ∂K/∂θ from `FlowGradient.Compute` on a Gaussian-visible machine built from the case.
let private gaussianGradient (c: Case) =
    let binary = c.Model()
    let model = DeepBoltzmannMachine(binary.Parameters.Architecture.WithVisibleUnits(VisibleUnitKind.Gaussian))
    Seq.iter2 (fun (a: float32[]) (b: float32[]) -> a.CopyTo(b, 0)) binary.Parameters.Tensors model.Parameters.Tensors
    let gradient = ParameterSet(model.Architecture)
    FlowGradient(model, c.Rows).Compute(c.FreshStates(), c.Rows, gradient) |> ignore
    gradient

let private meanOverRows (c: Case) f = (List.sum [ for r in 0 .. c.Rows - 1 -> f r ]) / float c.Rows

/// −r_i = u_i − v_i: the visible unit's δ, from its own state and field.
let private visibleDelta (c: Case) r unit = field c r unit - x c r unit

/// The two-endpoint oracle of an edge and a scale for its tolerance; a visible endpoint uses δ_i = −r_i.
let private edgeOracle (c: Case) (e: Edge) =
    match e with
    | Weight(0, i, j) ->
        let v, h = (0, i), (1, j)
        meanOverRows c (fun r -> visibleDelta c r v * x c r h + delta c r h * x c r v),
        // r = v − u cancels: its terms are bounded by (|v| + |u|)|h|, not by |r||h|.
        meanOverRows c (fun r -> (abs (x c r v) + abs (field c r v)) * abs (x c r h) + 0.5 * phi c r h * abs (x c r v))
    | _ -> edgeUpdate c e

[<Properties(Arbitrary = [| typeof<VpfArbs> |], MaxTest = 1000, MaxRejected = 10000)>]
module ``when the flow gradient of a machine with Gaussian visible units is computed`` =

    [<Property>]
    let ``then every edge's update is computed from its two endpoints alone, the visible one contributing minus its residual``
        (c: Case)
        =
        admissible c
        ==> lazy
            (let c = gaussian c
             let g = gaussianGradient c
             let edgeFailures =
                 [ for e in edges c do
                       let want, scale = edgeOracle c e
                       let got = float (gradientOf g e)
                       if not (close oracleTolerance scale want got) then yield $"{e}: library {got:g6}, oracle {want:g6}" ]
             let biasFailures =
                 [ for k in 0 .. c.Sizes[0] - 1 do
                       let want = meanOverRows c (fun r -> visibleDelta c r (0, k))
                       let scale = meanOverRows c (fun r -> abs (x c r (0, k)) + abs (field c r (0, k)))
                       let got = float (g.Biases[0][k])
                       if not (close oracleTolerance scale want got) then yield $"b0[{k}]: library {got:g6}, oracle −mean r = {want:g6}" ]
             allOf "every edge update matches the two-endpoint oracle" edgeFailures
             .&. allOf "every visible bias update is −mean r_i" biasFailures)

    [<Property>]
    let ``then changing the bias and the other weights of another visible unit leaves a visible–hidden edge's update exactly unchanged``
        (c: Case)
        (NonNegativeInt pick)
        =
        (admissible c && c.Sizes[0] >= 2)
        ==> lazy
            (let c = gaussian c
             let n, m = c.Sizes[0], c.Sizes[1]
             let i, j = pick % n, (pick / n) % m
             let other = (i + 1 + pick % (n - 1)) % n
             // Its residual r_other changes, and so does every weight W0[other, j'] with j' ≠ j: none enters v_i, u_i, h_j or u_j.
             let w = c.Weights[0] |> Array.mapi (fun t x -> if t / m = other && t % m <> j then x + 0.75f else x)
             let b = c.Biases[0] |> Array.mapi (fun k x -> if k = other then x + 1.25f else x)
             let changed = { c with Weights = c.Weights |> Array.updateAt 0 w; Biases = c.Biases |> Array.updateAt 0 b }
             let before, after = gaussianGradient c, gaussianGradient changed
             let e = Weight(0, i, j)
             (bitEqual (gradientOf before e) (gradientOf after e)
              |> Prop.label $"the update of {e} is unchanged when unit {other}'s parameters move ({gradientOf before e} before, {gradientOf after e} after)")
             .&. (bitEqual (before.Biases[0][i]) (after.Biases[0][i]) |> Prop.label $"b0[{i}]'s update is unchanged"))

    [<Property>]
    let ``then relabelling the visible units relabels the gradient the same way`` (c: Case) (seed: int) =
        admissible c
        ==> lazy
            (let c = gaussian c
             let n, m = c.Sizes[0], c.Sizes[1]
             let rng = System.Random seed
             let perm = Array.init n id |> Array.sortBy (fun _ -> rng.Next())
             // Unit k of the relabelled case is unit perm[k] of the original.
             let permutedRows (a: float32[]) cols = Array.init a.Length (fun t -> a[perm[t / cols] * cols + t % cols])
             let permutedStates = Array.init (c.Rows * n) (fun t -> c.States[0][(t / n) * n + perm[t % n]])
             let relabelled =
                 { c with
                     Weights = c.Weights |> Array.updateAt 0 (permutedRows c.Weights[0] m)
                     Biases = c.Biases |> Array.updateAt 0 (Array.init n (fun k -> c.Biases[0][perm[k]]))
                     States = c.States |> Array.updateAt 0 permutedStates }
             let g, h = gaussianGradient c, gaussianGradient relabelled
             let failures =
                 [ for k in 0 .. n - 1 do
                       // The float32 sums run in another order after relabelling, so the tolerance scales with the
                       // size of the cancelling terms (the oracle's scale), not with the result.
                       let want, got = g.Biases[0][perm[k]], h.Biases[0][k]
                       let scale = meanOverRows c (fun r -> abs (x c r (0, perm[k])) + abs (field c r (0, perm[k])))
                       if not (close oracleTolerance (1.0 + scale) (float want) (float got)) then yield $"b0[{k}]: {got} against b0[{perm[k]}] = {want}"
                       for j in 0 .. m - 1 do
                           let want, got = g.Weights[0][perm[k] * m + j], h.Weights[0][k * m + j]
                           let _, scale = edgeOracle c (Weight(0, perm[k], j))
                           if not (close oracleTolerance (1.0 + scale) (float want) (float got)) then yield $"W0[{k},{j}]: {got} against W0[{perm[k]},{j}] = {want}" ]
             allOf "the relabelled gradient is the gradient relabelled" failures)
