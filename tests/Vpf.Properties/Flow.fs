/// Cheap facts about K itself (vpf-math.md §2–§4): it is positive, it is the sum of the unified flow terms, and on
/// spikes it is the MPF flow computed from energy differences.
module Vpf.Properties.Flow

open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Vpf.Properties.Generators
open Vpf.Properties.Oracle

[<Properties(Arbitrary = [| typeof<VpfArbs> |], MaxTest = 1000)>]
module ``when K is evaluated on any states`` =

    [<Property>]
    let ``then K is positive and is the mean over rows of the sum of the unified flow terms`` (c: Case) =
        let evaluation, _ = libraryGradient c
        let want = flow c
        (evaluation.Value > 0.0 |> Prop.label $"K > 0 (K = {evaluation.Value:g10})")
        .&. (close 1e-5 0.0 want evaluation.Value |> Prop.label $"K = mean Σ φ_k (library {evaluation.Value:g10}, oracle {want:g10})")
        .&. (evaluation.ClampCount = 0L |> Prop.label "no field needed clamping")

[<Properties(Arbitrary = [| typeof<VpfArbs> |], MaxTest = 1000)>]
module ``when K is evaluated on spikes`` =

    [<Property>]
    let ``then K is the mean over rows of Σ_k exp(½(E(x) − E(x with k flipped)))`` (BinaryCase c) =
        let evaluation, _ = libraryGradient c
        let model = c.Model()
        let rowState r =
            [| for l in 0 .. c.Layers - 1 -> Array.init c.Sizes[l] (fun k -> c.X(l, r, k)) |]
        let flowOfRow r =
            let x = rowState r
            let e = model.Energy x
            units c
            |> List.sumBy (fun (l, k) ->
                let flipped = x |> Array.map Array.copy
                flipped[l][k] <- 1f - flipped[l][k]
                exp (0.5 * (e - model.Energy flipped)))
        let want = (List.sum [ for r in 0 .. c.Rows - 1 -> flowOfRow r ]) / float c.Rows
        close 1e-5 0.0 want evaluation.Value
        |> Prop.label $"library K = {evaluation.Value:g10}, energy-difference K = {want:g10}"
