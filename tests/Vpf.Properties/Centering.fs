/// Locality and symmetry with centering offsets (vpf-math.md §8): the centered update of edge (k, j) is
/// δ_k (x_j − a_j) + δ_j (x_k − a_k), a function of the states, fields and offsets of k and j alone, symmetric in k and j.
module Vpf.Properties.Centering

open System
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Vpf.Core.Model
open Vpf.Core.Training
open Vpf.Properties.Generators
open Vpf.Properties.Oracle

/// One offset per unit in (0, 1), from a seed (the case's shrinker leaves them alone; a failure names the seed).
let private offsetsFor (c: Case) (seed: int) =
    let rng = Random seed
    [| for n in c.Sizes -> Array.init n (fun _ -> float32 (0.05 + 0.9 * rng.NextDouble())) |]

/// The library's centered gradient: the flow gradient on the case, then the centering transform.
let private centeredGradient (c: Case) (offsets: float32[][]) =
    let _, g = libraryGradient c
    CenteredCoordinates.CenterGradient(g, offsets)
    g

let private offsetOf (a: float32[][]) ((l, k): Unit) = float (a[l][k])

/// The oracle: mean over rows of δ_k (x_j − a_j) + δ_j (x_k − a_k), with the scale of its terms for a tolerance.
let private centeredEdgeUpdate (c: Case) (a: float32[][]) (e: Edge) =
    let p, q = e.Ends
    let rows = [ 0 .. c.Rows - 1 ]
    let mean f = (List.sumBy f rows) / float c.Rows
    let value = mean (fun r -> delta c r p * (x c r q - offsetOf a q) + delta c r q * (x c r p - offsetOf a p))
    let scale = mean (fun r -> 0.5 * phi c r p * abs (x c r q - offsetOf a q) + 0.5 * phi c r q * abs (x c r p - offsetOf a p))
    value, scale

[<Properties(Arbitrary = [| typeof<VpfArbs> |], MaxTest = 1000)>]
module ``when the flow gradient is centered with any offsets`` =

    [<Property>]
    let ``then every edge's update is the mean of δ_k (x_j − a_j) + δ_j (x_k − a_k) from its two endpoints alone`` (c: Case) (seed: int) =
        let a = offsetsFor c seed
        let g = centeredGradient c a
        allOf
            "every centered edge update matches the two-endpoint oracle"
            [ for e in edges c do
                  let want, scale = centeredEdgeUpdate c a e
                  let got = float (gradientOf g e)
                  if not (close 1e-4 scale want got) then yield $"{e}: library {got:g6}, oracle {want:g6}" ]
        .&. allOf
                "bias updates are not touched by centering (mean δ_k)"
                [ for (l, k) in units c do
                      let want, scale = biasUpdate c (l, k)
                      if not (close 1e-4 scale want (float (g.Biases[l][k]))) then yield $"b{l}[{k}]" ]

    [<Property>]
    let ``then moving the offset of a unit that is neither endpoint leaves the edge's update exactly unchanged``
        (c: Case)
        (seed: int)
        (NonNegativeInt pick)
        =
        let pairs =
            [ for e in edges c do
                  let p, q = e.Ends
                  for w in units c do
                      if w <> p && w <> q then yield e, w ]
        not pairs.IsEmpty
        ==> lazy
            (let e, (l, k) = pairs[pick % pairs.Length]
             let a = offsetsFor c seed
             let moved = a |> Array.map Array.copy
             moved[l][k] <- 1f - moved[l][k] + 0.01f
             let before = centeredGradient c a
             let after = centeredGradient c moved
             bitEqual (gradientOf before e) (gradientOf after e)
             |> Prop.label $"the update of {e} is unchanged when the offset of unit {k} of layer {l} moves"
             |> Prop.classify (l = fst (fst e.Ends) || l = fst (snd e.Ends)) "moved unit in an endpoint's layer")

    [<Property>]
    let ``then moving an endpoint's offset changes the edge's update by δ of the other endpoint`` (c: Case) (seed: int) (NonNegativeInt pick) =
        let all = edges c
        not all.IsEmpty
        ==> lazy
            (let e = all[pick % all.Length]
             let p, q = e.Ends
             let a = offsetsFor c seed
             let moved = a |> Array.map Array.copy
             moved[fst p][snd p] <- moved[fst p][snd p] + 0.5f
             let before = float (gradientOf (centeredGradient c a) e)
             let after = float (gradientOf (centeredGradient c moved) e)
             let _, g = libraryGradient c
             let dq = float (g.Biases[fst q][snd q])
             let _, scale = centeredEdgeUpdate c a e
             close 1e-4 (scale + abs dq) (before - 0.5 * dq) after
             |> Prop.label $"{e}: {before:g6} − ½ mean δ_q ({dq:g6}) vs {after:g6}")

    [<Property>]
    let ``then every centered lateral gradient is exactly symmetric with an exactly zero diagonal`` (c: Case) (seed: int) =
        let g = centeredGradient c (offsetsFor c seed)
        allOf "centered lateral gradients are symmetric with zero diagonal" (asymmetries g)
        |> Prop.classify (Array.contains true c.Lateral) "has lateral weights"

    [<Property>]
    let ``then with all offsets zero the centered gradient is the flow gradient bit for bit`` (c: Case) =
        let _, plain = libraryGradient c
        let g = centeredGradient c [| for n in c.Sizes -> Array.zeroCreate n |]
        sameBits "zero offsets change nothing" plain g
