/// Symmetry (vpf-math.md §4): the update is symmetric under exchanging k and j, so lateral gradients are symmetric with
/// zero diagonal, symmetric weights stay symmetric under any number of updates, and relabelling a layer's units
/// relabels the gradient the same way.
module Vpf.Properties.Symmetry

open System
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Vpf.Core.Model
open Vpf.Core.Training
open Vpf.Core.Training.Optimisers
open Vpf.Properties.Generators
open Vpf.Properties.Oracle

[<Properties(Arbitrary = [| typeof<VpfArbs> |], MaxTest = 1000)>]
module ``when the flow gradient is computed on any states`` =

    [<Property>]
    let ``then every lateral gradient is exactly symmetric with an exactly zero diagonal`` (c: Case) =
        let _, g = libraryGradient c
        allOf "lateral gradients are symmetric with zero diagonal" (asymmetries g)
        |> Prop.classify (Array.contains true c.Lateral) "has lateral weights"

/// States for one more step: each layer spikes or rates, at random.
let private randomStates (rng: Random) (c: Case) =
    [| for l in 0 .. c.Layers - 1 ->
           let binary = rng.Next 2 = 0
           Array.init (c.Rows * c.Sizes[l]) (fun _ -> if binary then float32 (rng.Next 2) else float32 (rng.NextDouble())) |]

let private optimiser adam decay =
    OptimiserOptions(
        Kind = (if adam then OptimiserKind.Adam else OptimiserKind.SgdMomentum),
        LearningRate = (if adam then 0.01f else 0.001f),
        WeightDecay = (if decay then 0.01f else 0f)
    )
        .Create()

[<Properties(Arbitrary = [| typeof<VpfArbs> |], MaxTest = 300, MaxRejected = 3000)>]
module ``when an optimiser applies any sequence of updates`` =

    [<Property>]
    let ``then symmetric lateral weights stay exactly symmetric with zero diagonal`` (c: Case) (adam: bool) (decay: bool) (NonNegativeInt steps) (seed: int) =
        let steps = steps % 10 + 1
        let rng = Random seed
        let model = c.Model()
        let gradient = ParameterSet(model.Architecture)
        let flowGradient = FlowGradient(model, c.Rows)
        let step = optimiser adam decay
        let failures =
            [ for t in 1..steps do
                  let states = if t = 1 then c.FreshStates() else randomStates rng c
                  flowGradient.Compute(states, c.Rows, gradient) |> ignore
                  step.Step(model.Parameters, gradient)
                  for failure in asymmetries model.Parameters -> $"after step {t}: {failure}" ]
        let name = if adam then "Adam" else "SGD"
        allOf $"lateral weights after {steps} {name} step(s) on flow gradients" failures
        |> Prop.classify (Array.contains true c.Lateral) "has lateral weights"
        |> Prop.classify (model.Parameters.IsFinite()) "finite after the steps"

    [<Property>]
    let ``then symmetric lateral weights stay exactly symmetric with zero diagonal under the full VPF objective``
        (c: Case)
        (adam: bool)
        (decay: bool)
        (NonNegativeInt steps)
        (seed: int)
        =
        c.Layers >= 2
        ==> lazy
            (let steps = steps % 10 + 1
             let rng = Random seed
             let estimator = [| FlowEstimator.Sampled; FlowEstimator.Expected; FlowEstimator.MeanField |][rng.Next 3]
             let objective = VariationalProbabilityFlow(VpfOptions(Estimator = estimator))
             let model = c.Model()
             let gradient = ParameterSet(model.Architecture)
             let step = optimiser adam decay
             let failures =
                 [ for t in 1..steps do
                       let visible = Array.init (c.Rows * c.Sizes[0]) (fun _ -> float32 (rng.Next 2))
                       objective.Evaluate(model, ReadOnlySpan visible, c.Rows, gradient, uint64 (rng.NextInt64())) |> ignore
                       for failure in asymmetries gradient -> $"gradient of step {t}: {failure}"
                       step.Step(model.Parameters, gradient)
                       for failure in asymmetries model.Parameters -> $"after step {t}: {failure}" ]
             allOf $"lateral gradients and weights over {steps} step(s) of VPF ({estimator})" failures
             |> Prop.classify (Array.contains true c.Lateral) "has lateral weights")

// ---------------------------------------------------------------------------------------------------------------
// Relabelling.

/// Relabels layer l by π (new unit i is old unit π(i)) in tensors laid out like a parameter set: columns of
/// W_{l−1}, rows of W_l, b_l, rows and columns of L_l (empty where absent).
let private permuteTensors (sizes: int[]) l (pi: int[]) (weights: float32[][]) (biases: float32[][]) (laterals: float32[][]) =
    let n = sizes[l]
    let weights' =
        weights
        |> Array.mapi (fun w m ->
            if w = l - 1 then Array.init m.Length (fun idx -> let a, i = idx / n, idx % n in m[a * n + pi[i]])
            elif w = l then let cols = sizes[l + 1] in Array.init m.Length (fun idx -> let i, c = idx / cols, idx % cols in m[pi[i] * cols + c])
            else m)
    let biases' = biases |> Array.updateAt l (Array.init n (fun i -> biases[l][pi[i]]))
    let laterals' =
        if laterals[l].Length = 0 then laterals
        else laterals |> Array.updateAt l (Array.init (n * n) (fun idx -> let i, j = idx / n, idx % n in laterals[l][pi[i] * n + pi[j]]))
    weights', biases', laterals'

let private permuteCase (c: Case) l (pi: int[]) =
    let w, b, lat = permuteTensors c.Sizes l pi c.Weights c.Biases c.Laterals
    let n = c.Sizes[l]
    let x = c.States[l]
    { c with
        Weights = w
        Biases = b
        Laterals = lat
        States = c.States |> Array.updateAt l (Array.init x.Length (fun idx -> let r, i = idx / n, idx % n in x[r * n + pi[i]])) }

let private permuteGradient (g: ParameterSet) l pi =
    let sizes = g.Architecture.LayerSizes |> Seq.toArray
    let laterals = g.Laterals |> Array.map (fun lat -> match lat with null -> [||] | lat -> lat)
    let w, b, lat = permuteTensors sizes l pi g.Weights g.Biases laterals
    let p = ParameterSet(g.Architecture)
    w |> Array.iteri (fun i t -> t.CopyTo(p.Weights[i], 0))
    b |> Array.iteri (fun i t -> t.CopyTo(p.Biases[i], 0))
    lat |> Array.iteri (fun i t -> if t.Length > 0 then t.CopyTo(nonNull p.Laterals[i], 0))
    p

/// Relative tolerance for results whose sums run in another order.
let private reorderTolerance = 1e-5

[<Properties(Arbitrary = [| typeof<VpfArbs> |], MaxTest = 1000)>]
module ``when the units of a layer are relabelled`` =

    let private relabelling (c: Case) layer seed =
        let l = layer % c.Layers
        let pi = Array.init c.Sizes[l] id
        Random(seed).Shuffle pi
        let relabelled = permuteCase c l pi
        let k0, g0 = libraryGradient c
        let k1, g1 = libraryGradient relabelled
        let expected = permuteGradient g0 l pi
        let edgeFailures =
            [ for e in edges relabelled do
                  let want, got = float (gradientOf expected e), float (gradientOf g1 e)
                  let _, scale = edgeUpdate relabelled e
                  if not (close reorderTolerance scale want got) then yield $"{e}: {got:g8}, relabelled original {want:g8}" ]
        let biasFailures =
            [ for (i, k) in units relabelled do
                  let want, got = float (expected.Biases[i][k]), float (g1.Biases[i][k])
                  let _, scale = biasUpdate relabelled (i, k)
                  if not (close reorderTolerance scale want got) then yield $"b{i}[{k}]: {got:g8}, relabelled original {want:g8}" ]
        let piText = String.Join(" ", pi)
        (allOf "every edge's update is relabelled" edgeFailures
         .&. allOf "every bias update is relabelled" biasFailures
         .&. (close reorderTolerance 0.0 k0.Value k1.Value |> Prop.label $"K unchanged ({k0.Value:g10} before, {k1.Value:g10} after)"))
        |> Prop.label $"layer {l} relabelled by π = [{piText}]"
        |> Prop.classify (c.Sizes[l] > 1) "non-trivial permutation possible"

    [<Property>]
    let ``then the gradient is relabelled the same way and K is unchanged`` (c: Case) (NonNegativeInt layer) (seed: int) =
        relabelling c layer seed

    /// Regression: the first case met where relabelling changes the last bits (a field summed in another order:
    /// u = −1.731 − 1.543 − 1.097 of a 1-1-2 machine, shrunk); equality within 1e-7 fails, 1e-5 holds.
    /// Seeds are only meaningful for this generator: re-capture them if `caseOf` changes.
    [<Property(Replay = "(13359393089925551183,13132047912083133485,22)", MaxTest = 1)>]
    let ``then the gradient is relabelled within rounding in the case where summation order matters``
        (c: Case)
        (NonNegativeInt layer)
        (seed: int)
        =
        relabelling c layer seed
