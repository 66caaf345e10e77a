/// Locality (vpf-math.md §4): the update of edge (k, j) is δ_k x_j + δ_j x_k, a function of x_k, x_j, u_k, u_j alone;
/// nothing else can change it, and an edge that does not exist gets nothing.
/// "Unchanged" is checked bit for bit: a kernel computes each field and each gradient entry from the same inputs in an
/// order that does not depend on the values, so a value that does not enter them cannot move a single bit.
module Vpf.Properties.Locality

open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Vpf.Core.Model
open Vpf.Properties.Generators
open Vpf.Properties.Oracle

/// Relative tolerance against the float32 library of the double oracle.
let private oracleTolerance = 1e-4

let private edgeClaims (c: Case) (g: ParameterSet) (select: Edge -> bool) =
    [ for e in edges c do
          if select e then
              let want, scale = edgeUpdate c e
              let got = float (gradientOf g e)
              if not (close oracleTolerance scale want got) then yield $"{e}: library {got:g6}, oracle {want:g6}" ]

let private isWeight =
    function
    | Weight _ -> true
    | LateralEdge _ -> false

[<Properties(Arbitrary = [| typeof<VpfArbs> |], MaxTest = 2000)>]
module ``when the flow gradient is computed on any states`` =

    [<Property>]
    let ``then every edge's update is the mean of δ_k x_j + δ_j x_k computed from its two endpoints alone`` (c: Case) =
        let _, g = libraryGradient c
        let biasFailures =
            [ for (l, k) in units c do
                  let want, scale = biasUpdate c (l, k)
                  let got = float (g.Biases[l][k])
                  if not (close oracleTolerance scale want got) then yield $"b{l}[{k}]: library {got:g6}, oracle {want:g6}" ]
        (allOf "every weight update matches the two-endpoint oracle" (edgeClaims c g isWeight)
         .&. allOf "every lateral update matches the two-endpoint oracle" (edgeClaims c g (isWeight >> not))
         .&. allOf "every bias update is mean δ_k" biasFailures)
        |> Prop.classify c.IsBinary "binary states"
        |> Prop.classify (not c.IsBinary) "rates among the states"

/// A parameter: an edge's weight or a unit's bias.
type private Parameter =
    | EdgeParameter of Edge
    | Bias of Unit

[<Properties(Arbitrary = [| typeof<VpfArbs> |], MaxTest = 1000, MaxRejected = 10000)>]
module ``when something outside an edge's two endpoints changes`` =

    /// Every (edge, unit) pair where the unit is neither endpoint nor feeds either endpoint's field.
    let private distantPairs (c: Case) =
        [ for e in edges c do
              let a, b = e.Ends
              for w in units c do
                  if w <> a && w <> b && not (feeds c w a) && not (feeds c w b) then yield e, w ]

    /// A different state: a spike flips, a rate moves by ½ (staying in [0, 1]).
    let private otherState (x: float32) =
        if x = 0f || x = 1f then 1f - x
        elif x < 0.5f then x + 0.5f
        else x - 0.5f

    let private endpointClaims (before: ParameterSet) (after: ParameterSet) (e: Edge) =
        let (la, ka), (lb, kb) = e.Ends
        let g0, g1 = gradientOf before e, gradientOf after e
        (bitEqual g0 g1 |> Prop.label $"the update of {e} is unchanged ({g0} before, {g1} after)")
        .&. ((bitEqual (before.Biases[la][ka]) (after.Biases[la][ka]) && bitEqual (before.Biases[lb][kb]) (after.Biases[lb][kb]))
             |> Prop.label $"the bias updates of {e}'s endpoints are unchanged")

    [<Property>]
    let ``then changing the state of a unit at distance two or more leaves the edge's update exactly unchanged``
        (c: Case)
        (NonNegativeInt pick)
        =
        let pairs = distantPairs c
        not pairs.IsEmpty
        ==> lazy
            (let e, (l, w) = pairs[pick % pairs.Length]
             let n = c.Sizes[l]
             let moved = c.States[l] |> Array.mapi (fun i x -> if i % n = w then otherState x else x)
             let changed = { c with States = c.States |> Array.updateAt l moved }
             let _, before = libraryGradient c
             let _, after = libraryGradient changed
             endpointClaims before after e
             |> Prop.label $"edge {e}, unit {w} of layer {l} changed in every row"
             |> Prop.classify (not (isWeight e)) "lateral edge"
             |> Prop.classify (isWeight e) "weight edge")

    [<Property>]
    let ``then changing a parameter incident to neither endpoint leaves the edge's update exactly unchanged``
        (c: Case)
        (NonNegativeInt pick)
        =
        let parameters = [ for e in edges c -> EdgeParameter e ] @ [ for u in units c -> Bias u ]
        let pairs =
            [ for e in edges c do
                  let a, b = e.Ends
                  for p in parameters do
                      let incident =
                          match p with
                          | EdgeParameter f -> let fa, fb = f.Ends in fa = a || fa = b || fb = a || fb = b
                          | Bias u -> u = a || u = b
                      if not incident then yield e, p ]
        not pairs.IsEmpty
        ==> lazy
            (let e, p = pairs[pick % pairs.Length]
             let changed =
                 match p with
                 | EdgeParameter f -> withEdge c f (edgeValue c f + 0.75f)
                 | Bias(l, k) -> { c with Biases = c.Biases |> Array.updateAt l (c.Biases[l] |> Array.updateAt k (c.Biases[l][k] + 0.75f)) }
             let _, before = libraryGradient c
             let _, after = libraryGradient changed
             endpointClaims before after e
             |> Prop.label $"edge {e}, parameter {p} changed by 0.75"
             |> Prop.classify
                 (match p with
                  | Bias _ -> true
                  | EdgeParameter _ -> false)
                 "a bias changed")

[<Properties(Arbitrary = [| typeof<VpfArbs> |], MaxTest = 1000, MaxRejected = 5000)>]
module ``when an edge is absent or its weight is zero`` =

    [<Property>]
    let ``then the gradient has exactly the architecture's tensors and no lateral tensor where there are no lateral weights``
        (c: Case)
        =
        let _, g = libraryGradient c
        let shapes =
            g.Weights.Length = c.Layers - 1
            && Array.forall id [| for l in 0 .. c.Layers - 2 -> g.Weights[l].Length = c.Sizes[l] * c.Sizes[l + 1] |]
            && Array.forall id [| for l in 0 .. c.Layers - 1 -> g.Biases[l].Length = c.Sizes[l] |]
        let lateralTensors =
            [ for l in 0 .. c.Layers - 1 do
                  match g.Laterals[l] with
                  | null when c.Lateral[l] -> yield $"layer {l} has lateral weights but no lateral gradient"
                  | null -> ()
                  | lat when not c.Lateral[l] -> yield $"layer {l} has no lateral weights but a lateral gradient"
                  | lat when lat.Length <> c.Sizes[l] * c.Sizes[l] -> yield $"L{l} gradient has {lat.Length} entries"
                  | _ -> () ]
        (shapes |> Prop.label "one weight tensor per pair of adjacent layers, one bias per layer, of the right sizes")
        .&. allOf "a lateral gradient exactly where the architecture has lateral weights" lateralTensors

    [<Property>]
    let ``then the update of a unit with itself is exactly zero`` (c: Case) =
        let _, g = libraryGradient c
        allOf
            "every lateral gradient has an exactly zero diagonal"
            [ for l in 0 .. c.Layers - 1 do
                  if c.Lateral[l] then
                      let n = c.Sizes[l]
                      for k in 0 .. n - 1 do
                          let d = (nonNull g.Laterals[l])[k * n + k]
                          if not (bitEqual d 0f) then yield $"L{l}[{k},{k}] = {d}" ]

    [<Property>]
    let ``then lateral weights of zero in a layer change no other update and get their own two-endpoint update``
        (c: Case)
        (NonNegativeInt pick)
        =
        let plain = [ for l in 0 .. c.Layers - 1 do if not c.Lateral[l] then yield l ]
        not plain.IsEmpty
        ==> lazy
            (let l = plain[pick % plain.Length]
             let n = c.Sizes[l]
             let withZeros =
                 { c with
                     Lateral = c.Lateral |> Array.updateAt l true
                     Laterals = c.Laterals |> Array.updateAt l (Array.zeroCreate (n * n)) }
             let _, g0 = libraryGradient c
             let _, g1 = libraryGradient withZeros
             let unchanged =
                 [ for i in 0 .. c.Layers - 2 do
                       if not (Array.forall2 bitEqual g0.Weights[i] g1.Weights[i]) then yield $"W{i} changed"
                   for i in 0 .. c.Layers - 1 do
                       if not (Array.forall2 bitEqual g0.Biases[i] g1.Biases[i]) then yield $"b{i} changed"
                       if i <> l && c.Lateral[i] && not (Array.forall2 bitEqual (nonNull g0.Laterals[i]) (nonNull g1.Laterals[i])) then
                           yield $"L{i} changed" ]
             allOf $"adding zero lateral weights to layer {l} changes no weight, bias or other lateral update" unchanged
             .&. allOf
                     $"the new lateral edges of layer {l} get δ_k x_j + δ_j x_k"
                     (edgeClaims withZeros g1 (function
                         | LateralEdge(i, _, _) -> i = l
                         | Weight _ -> false)))

    [<Property>]
    let ``then an edge whose weight is set to zero still gets δ_k x_j + δ_j x_k`` (c: Case) (NonNegativeInt pick) =
        let all = edges c
        not all.IsEmpty
        ==> lazy
            (let e = all[pick % all.Length]
             let masked = withEdge c e 0f
             let _, g = libraryGradient masked
             allOf $"the update of {e} at weight 0 matches the two-endpoint oracle" (edgeClaims masked g ((=) e))
             |> Prop.classify (gradientOf g e <> 0f) "non-zero update")
