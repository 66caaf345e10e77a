/// The flow to the all-bits-flipped state (vpf-math.md §10.1): each edge's update is ½ mean_r φ̄_r (1 − x_k − x_j), with
/// φ̄_r = exp(½(E(x_r) − E(1 − x_r))) one scalar per row that depends on the whole state — symmetric in k and j, not
/// local. The oracle takes φ̄ from the energy function, never from the library's coefficients.
module Vpf.Properties.AllBitsFlipped

open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Vpf.Core.Model
open Vpf.Core.Training
open Vpf.Properties.Generators
open Vpf.Properties.Oracle

/// ½ΔE = ½(E(x_r) − E(1 − x_r)) of row r from two energies.
let private halfDifference (c: Case) (model: DeepBoltzmannMachine) r =
    let row = [| for l in 0 .. c.Layers - 1 -> Array.init c.Sizes[l] (fun k -> c.X(l, r, k)) |]
    let flipped = row |> Array.map (Array.map (fun v -> 1f - v))
    0.5 * (model.Energy row - model.Energy flipped)

/// φ̄ of row r with the library's clamp of ½ΔE from above, and whether the clamp fired.
let private complementFlow (c: Case) (model: DeepBoltzmannMachine) r =
    let half = halfDifference c model r
    exp (min AllBitsFlippedFlow.ExponentLimit half), half > AllBitsFlippedFlow.ExponentLimit

[<Properties(Arbitrary = [| typeof<VpfArbs> |], MaxTest = 500)>]
module ``when the all-bits-flipped term is evaluated on any states`` =

    [<Property>]
    let ``then every edge's update is half the mean over rows of the row's flow times (1 − x_k − x_j)`` (c: Case) =
        let model = c.Model()
        let gradient = ParameterSet(model.Architecture)
        let evaluation = AllBitsFlippedFlow(model).Add(c.FreshStates(), c.Rows, gradient, false)
        let rows = [ for r in 0 .. c.Rows - 1 -> complementFlow c model r ]
        let phis = rows |> List.map fst
        let mean f = (List.sum (List.mapi f phis)) / float c.Rows
        let edgeFailures =
            [ for e in edges c do
                  let a, b = e.Ends
                  let want = mean (fun r p -> 0.5 * p * (1.0 - x c r a - x c r b))
                  let scale = mean (fun _ p -> p)
                  let got = float (gradientOf gradient e)
                  if not (close 1e-5 scale want got) then yield $"{e}: library {got:g8}, oracle {want:g8}" ]
        let biasFailures =
            [ for (l, k) in units c do
                  let want = mean (fun r p -> 0.5 * p * (1.0 - 2.0 * x c r (l, k)))
                  let got = float (gradient.Biases[l][k])
                  if not (close 1e-5 (mean (fun _ p -> p)) want got) then yield $"b{l}[{k}]: library {got:g8}, oracle {want:g8}" ]
        let wantK = mean (fun _ p -> p)
        (allOf "every edge's update" edgeFailures
         .&. allOf "every bias update" biasFailures
         .&. (close 1e-5 0.0 wantK evaluation.Value |> Prop.label $"K̄ = mean φ̄ (library {evaluation.Value:g10}, oracle {wantK:g10})")
         .&. (evaluation.ClampCount = int64 (rows |> List.filter snd |> List.length) |> Prop.label "clamps counted"))
        |> Prop.classify (rows |> List.exists snd) "clamped"

    [<Property>]
    let ``then every lateral gradient is exactly symmetric with an exactly zero diagonal`` (c: Case) =
        let model = c.Model()
        let gradient = ParameterSet(model.Architecture)
        AllBitsFlippedFlow(model).Add(c.FreshStates(), c.Rows, gradient, false) |> ignore
        allOf "lateral gradients are symmetric with zero diagonal" (asymmetries gradient)
        |> Prop.classify (Array.contains true c.Lateral) "has lateral weights"

    [<Property>]
    let ``then the complement states flow back with the reciprocal weight`` (c: Case) =
        // ΔE(1 − x) = −ΔE(x): each row's φ̄ is inverted, so K̄ of the complements is the mean of 1/φ̄ (clamped from above).
        let model = c.Model()
        let complement = c.FreshStates() |> Array.map (Array.map (fun v -> 1f - v))
        let evaluation = AllBitsFlippedFlow(model).Add(complement, c.Rows, ParameterSet(model.Architecture), false)
        let want =
            (List.sum [ for r in 0 .. c.Rows - 1 -> exp (min AllBitsFlippedFlow.ExponentLimit -(halfDifference c model r)) ]) / float c.Rows
        close 1e-5 0.0 want evaluation.Value |> Prop.label $"library {evaluation.Value:g10}, mean 1/φ̄ {want:g10}"
