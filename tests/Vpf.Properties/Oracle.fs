/// A tiny independent oracle (in double, from the case's data, never from the library's buffers) and the helpers the
/// properties share: edges of an architecture, who feeds whom, the library's gradient of a case.
module Vpf.Properties.Oracle

open System
open FsCheck
open FsCheck.FSharp
open Vpf.Core.Model
open Vpf.Core.Training
open Vpf.Properties.Generators

/// A unit: (layer, index).
type Unit = int * int

/// An edge of the architecture, k < j for a lateral one.
type Edge =
    | Weight of layer: int * k: int * j: int
    | LateralEdge of layer: int * k: int * j: int

    member e.Ends: Unit * Unit =
        match e with
        | Weight(l, k, j) -> (l, k), (l + 1, j)
        | LateralEdge(l, k, j) -> (l, k), (l, j)

    override e.ToString() =
        match e with
        | Weight(l, k, j) -> $"W{l}[{k},{j}]"
        | LateralEdge(l, k, j) -> $"L{l}[{k},{j}]"

/// Every edge of the case's architecture (one per undirected lateral pair).
let edges (c: Case) =
    [ for l in 0 .. c.Layers - 2 do
          for k in 0 .. c.Sizes[l] - 1 do
              for j in 0 .. c.Sizes[l + 1] - 1 -> Weight(l, k, j)
      for l in 0 .. c.Layers - 1 do
          if c.Lateral[l] then
              for k in 0 .. c.Sizes[l] - 1 do
                  for j in k + 1 .. c.Sizes[l] - 1 -> LateralEdge(l, k, j) ]

let units (c: Case) : Unit list =
    [ for l in 0 .. c.Layers - 1 do
          for k in 0 .. c.Sizes[l] - 1 -> (l, k) ]

/// Whether unit a's state enters unit b's field u_b: a is in an adjacent layer, or in b's layer with lateral weights.
let feeds (c: Case) ((la, ka): Unit) ((lb, kb): Unit) =
    abs (la - lb) = 1 || (la = lb && ka <> kb && c.Lateral[la])

/// The case's value of a parameter edge.
let edgeValue (c: Case) (e: Edge) =
    match e with
    | Weight(l, k, j) -> c.Weights[l][k * c.Sizes[l + 1] + j]
    | LateralEdge(l, k, j) -> c.Laterals[l][k * c.Sizes[l] + j]

/// The case with the value of a parameter edge replaced (both entries of a lateral pair).
let withEdge (c: Case) (e: Edge) (v: float32) =
    match e with
    | Weight(l, k, j) ->
        let w = Array.copy c.Weights[l]
        w[k * c.Sizes[l + 1] + j] <- v
        { c with Weights = c.Weights |> Array.updateAt l w }
    | LateralEdge(l, k, j) ->
        let n = c.Sizes[l]
        let lat = Array.copy c.Laterals[l]
        lat[k * n + j] <- v
        lat[j * n + k] <- v
        { c with Laterals = c.Laterals |> Array.updateAt l lat }

/// The gradient entry of an edge.
let gradientOf (g: ParameterSet) (e: Edge) =
    match e with
    | Weight(l, k, j) -> g.Weights[l][k * g.Architecture.LayerSizes[l + 1] + j]
    | LateralEdge(l, k, j) -> (nonNull g.Laterals[l])[k * g.Architecture.LayerSizes[l] + j]

// ---------------------------------------------------------------------------------------------------------------
// The oracle: u_k from the unit's own bias and inputs, then δ_k and φ_k (vpf-math.md §1, §3), all in double.

let x (c: Case) r ((l, k): Unit) = float (c.X(l, r, k))

/// u_k = b_k + Σ_i x_{l−1,i} W_{l−1}[i,k] + Σ_j x_{l+1,j} W_l[k,j] + Σ_{i≠k} x_{l,i} L_l[i,k], for batch row r.
let field (c: Case) r ((l, k): Unit) =
    let n = c.Sizes[l]
    let mutable u = float (c.Biases[l][k])
    if l > 0 then
        for i in 0 .. c.Sizes[l - 1] - 1 do
            u <- u + x c r (l - 1, i) * float (c.Weights[l - 1][i * n + k])
    if l + 1 < c.Layers then
        let m = c.Sizes[l + 1]
        for j in 0 .. m - 1 do
            u <- u + x c r (l + 1, j) * float (c.Weights[l][k * m + j])
    if c.Lateral[l] then
        for i in 0 .. n - 1 do
            if i <> k then u <- u + x c r (l, i) * float (c.Laterals[l][i * n + k])
    u

/// φ_k = x_k e^{−u_k/2} + (1 − x_k) e^{u_k/2}.
let phi (c: Case) r unit =
    let u, xk = field c r unit, x c r unit
    xk * exp (-u / 2.0) + (1.0 - xk) * exp (u / 2.0)

/// δ_k = ½[(1 − x_k) e^{u_k/2} − x_k e^{−u_k/2}].
let delta (c: Case) r unit =
    let u, xk = field c r unit, x c r unit
    0.5 * ((1.0 - xk) * exp (u / 2.0) - xk * exp (-u / 2.0))

let private meanOverRows (c: Case) f = (List.sum [ for r in 0 .. c.Rows - 1 -> f r ]) / float c.Rows

/// The update of an edge from its two endpoints alone: mean over rows of δ_k x_j + δ_j x_k; and the scale of the
/// terms it sums (½φ_k|x_j| + ½φ_j|x_k|, which bounds each term before cancellation) for a tolerance.
let edgeUpdate (c: Case) (e: Edge) =
    let a, b = e.Ends
    let value = meanOverRows c (fun r -> delta c r a * x c r b + delta c r b * x c r a)
    let scale = meanOverRows c (fun r -> 0.5 * phi c r a * abs (x c r b) + 0.5 * phi c r b * abs (x c r a))
    value, scale

/// ∂K/∂b_k = mean δ_k, with scale mean ½φ_k.
let biasUpdate (c: Case) unit =
    meanOverRows c (fun r -> delta c r unit), meanOverRows c (fun r -> 0.5 * phi c r unit)

/// K = mean over rows of Σ_k φ_k.
let flow (c: Case) = meanOverRows c (fun r -> units c |> List.sumBy (phi c r))

// ---------------------------------------------------------------------------------------------------------------
// The library under test.

/// K and ∂K/∂θ from `FlowGradient.Compute` on a fresh model built from the case.
let libraryGradient (c: Case) =
    let model = c.Model()
    let gradient = ParameterSet(model.Architecture)
    let evaluation = FlowGradient(model, c.Rows).Compute(c.FreshStates(), c.Rows, gradient)
    evaluation, gradient

// ---------------------------------------------------------------------------------------------------------------
// Property helpers.

/// |got − want| ≤ tolerance · (scale + |want|): relative to the size of the terms, so that cancellation in a
/// sum does not turn rounding into a failure.
let close tolerance scale (want: float) (got: float) = abs (got - want) <= tolerance * (scale + abs want)

/// One labelled sub-claim over many items; the label names the first offending item.
let allOf (name: string) (failures: string list) =
    match failures with
    | [] -> true |> Prop.label name
    | first :: _ -> false |> Prop.label $"{name}: {first} ({failures.Length} offending)"

/// The sub-claims joined with `.&.` (a claim over nothing holds).
let conjoin (claims: Property list) =
    match claims with
    | [] -> Prop.ofTestable true
    | first :: rest -> List.fold (.&.) first rest

/// Floats compared by their bits: exact, and NaN equal to the same NaN.
let bitEqual (a: float32) (b: float32) = BitConverter.SingleToInt32Bits a = BitConverter.SingleToInt32Bits b

/// Failures of "L_l[k,j] = L_l[j,k] exactly and L_l[k,k] = 0" over every lateral tensor of a parameter set.
let asymmetries (p: ParameterSet) =
    [ for l in 0 .. p.Laterals.Length - 1 do
          match p.Laterals[l] with
          | null -> ()
          | lat ->
              let n = p.Architecture.LayerSizes[l]
              for k in 0 .. n - 1 do
                  if lat[k * n + k] <> 0f then yield $"L{l}[{k},{k}] = {lat[k * n + k]}"
                  for j in k + 1 .. n - 1 do
                      if not (bitEqual lat[k * n + j] lat[j * n + k]) then
                          yield $"L{l}[{k},{j}] = {lat[k * n + j]} but L{l}[{j},{k}] = {lat[j * n + k]}" ]

/// Tensor-wise exact comparison of two parameter sets of one architecture; names the first differing entry.
let sameBits (name: string) (a: ParameterSet) (b: ParameterSet) =
    let tensors (p: ParameterSet) =
        [ for l in 0 .. p.Weights.Length - 1 -> $"W{l}", p.Weights[l]
          for l in 0 .. p.Biases.Length - 1 -> $"b{l}", p.Biases[l]
          for l in 0 .. p.Laterals.Length - 1 do
              match p.Laterals[l] with
              | null -> ()
              | lat -> yield $"L{l}", lat ]
    allOf
        name
        [ for (t, x), (_, y) in List.zip (tensors a) (tensors b) do
              for i in 0 .. x.Length - 1 do
                  if not (bitEqual x[i] y[i]) then yield $"{t}[{i}] {x[i]} vs {y[i]}" ]
