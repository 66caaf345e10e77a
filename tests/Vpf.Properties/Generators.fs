/// Random machines and batches of joint states for the properties of vpf-math.md §4, with a shrinker that shrinks
/// every tensor and state together so that a failure reports a small, consistent counter-example.
module Vpf.Properties.Generators

open System
open System.Text
open FsCheck
open FsCheck.FSharp
open Vpf.Core.Model

/// How the states of a case were drawn (spikes, firing rates, or clamped spikes below rates as in the E-step).
type StateKind =
    | Binary
    | Rates
    | Mixed

/// A machine and a batch of joint states, as plain immutable-by-convention data. The machine itself
/// (`DeepBoltzmannMachine` is a mutable class) is built afresh by `Model()`, so no property can disturb another's
/// data, and a reported counter-example shows the values that were actually tested.
[<StructuredFormatDisplay("{Display}")>]
type Case =
    { /// Units per layer, visible first.
      Sizes: int[]
      /// Whether layer l has lateral weights.
      Lateral: bool[]
      /// W_l, n_l × n_{l+1} row-major.
      Weights: float32[][]
      /// b_l.
      Biases: float32[][]
      /// L_l, n_l × n_l row-major, symmetric with zero diagonal; empty where layer l has no lateral weights.
      Laterals: float32[][]
      /// x_l, Rows × n_l row-major.
      States: float32[][]
      /// Batch size.
      Rows: int }

    member c.Layers = c.Sizes.Length

    member c.Architecture = Architecture(c.Sizes, c.Lateral)

    /// A new machine holding a copy of the case's parameters.
    member c.Model() =
        let model = DeepBoltzmannMachine(c.Architecture)
        let p = model.Parameters
        c.Weights |> Array.iteri (fun l w -> w.CopyTo(p.Weights[l], 0))
        c.Biases |> Array.iteri (fun l b -> b.CopyTo(p.Biases[l], 0))
        c.Laterals |> Array.iteri (fun l lat -> if c.Lateral[l] then lat.CopyTo(nonNull p.Laterals[l], 0))
        model

    /// A copy of the states (the library reads them only, but a property may perturb its copy).
    member c.FreshStates() = c.States |> Array.map Array.copy

    /// x_l[r, k].
    member c.X(l: int, r: int, k: int) = c.States[l][r * c.Sizes[l] + k]

    member c.IsBinary = c.States |> Array.forall (Array.forall (fun x -> x = 0f || x = 1f))

    member c.Display =
        let sb = StringBuilder()
        let num (x: float32) = x.ToString("0.###", Globalization.CultureInfo.InvariantCulture)
        let matrix (rows: int) (cols: int) (m: float32[]) =
            [ for r in 0 .. rows - 1 -> m[r * cols .. r * cols + cols - 1] |> Array.map num |> String.concat " " ]
            |> String.concat "; "
        sb.AppendLine().Append($"Case {c.Architecture}, {c.Rows} row(s)") |> ignore
        for l in 0 .. c.Layers - 1 do
            let n = c.Sizes[l]
            sb.AppendLine().Append($"  b{l} = [{matrix 1 n c.Biases[l]}]") |> ignore
            if l + 1 < c.Layers then
                sb.AppendLine().Append($"  W{l} = [{matrix n c.Sizes[l + 1] c.Weights[l]}]") |> ignore
            if c.Lateral[l] then
                sb.AppendLine().Append($"  L{l} = [{matrix n n c.Laterals[l]}]") |> ignore
        for l in 0 .. c.Layers - 1 do
            sb.AppendLine().Append($"  x{l} = [{matrix c.Rows c.Sizes[l] c.States[l]}]") |> ignore
        sb.ToString()

    override c.ToString() = c.Display

/// A case whose states are all 0/1 (the MPF term applies to every unit).
[<StructuredFormatDisplay("{Case}")>]
type BinaryCase =
    | BinaryCase of Case

    member b.Case = let (BinaryCase c) = b in c
    override b.ToString() = b.Case.Display

// ---------------------------------------------------------------------------------------------------------------
// Generation

/// Parameter values in ±2 on a grid of 0.001 (readable when printed), exactly 0 now and then.
let private parameter =
    Gen.frequency [ 1, Gen.constant 0f; 7, Gen.choose (-2000, 2000) |> Gen.map (fun i -> float32 i / 1000f) ]

let private bit = Gen.elements [ 0f; 1f ]

/// Rates in [0, 1] on a grid of 0.001, the end points included.
let private rate = Gen.choose (0, 1000) |> Gen.map (fun i -> float32 i / 1000f)

let private symmetricZeroDiagonal n =
    gen {
        let! upper = Gen.arrayOfLength (n * (n - 1) / 2) parameter
        let m = Array.zeroCreate (n * n)
        let mutable i = 0
        for k in 0 .. n - 1 do
            for j in k + 1 .. n - 1 do
                m[k * n + j] <- upper[i]
                m[j * n + k] <- upper[i]
                i <- i + 1
        return m
    }

/// Draws the architecture first (1–4 layers of 1…min(6, √size) units, lateral flags at random), then parameters
/// of matching shapes, a batch size 1…4 and states of the given kind.
let caseOf (kinds: Gen<StateKind>) =
    gen {
        let! cap = Gen.sized (fun size -> Gen.constant (max 1 (min 6 (int (sqrt (float size))))))
        let! layers = Gen.choose (1, 4)
        let! sizes = Gen.arrayOfLength layers (Gen.choose (1, cap))
        let! lateral = Gen.arrayOfLength layers (Gen.elements [ false; true ])
        let! weights =
            sizes |> Array.pairwise |> Array.map (fun (n, m) -> Gen.arrayOfLength (n * m) parameter) |> Gen.sequenceToArray
        let! biases = sizes |> Array.map (fun n -> Gen.arrayOfLength n parameter) |> Gen.sequenceToArray
        let! laterals =
            Array.zip sizes lateral
            |> Array.map (fun (n, has) -> if has then symmetricZeroDiagonal n else Gen.constant [||])
            |> Gen.sequenceToArray
        let! rows = Gen.choose (1, 4)
        let! kind = kinds
        let unitState l =
            match kind with
            | Binary -> bit
            | Rates -> rate
            | Mixed -> if l = 0 then bit else rate
        let! states = sizes |> Array.mapi (fun l n -> Gen.arrayOfLength (rows * n) (unitState l)) |> Gen.sequenceToArray
        return
            { Sizes = sizes
              Lateral = lateral
              Weights = weights
              Biases = biases
              Laterals = laterals
              States = states
              Rows = rows }
    }

// ---------------------------------------------------------------------------------------------------------------
// Shrinking: every candidate is again a well-formed case.

let private removeAt i (a: 'a[]) = Array.append a[.. i - 1] a[i + 1 ..]

/// Removes column `col` of a rows × cols row-major matrix.
let private dropColumn cols col (m: float32[]) = m |> Array.indexed |> Array.filter (fun (i, _) -> i % cols <> col) |> Array.map snd

/// Removes row `row` of a ? × cols row-major matrix.
let private dropRow cols row (m: float32[]) = m |> Array.indexed |> Array.filter (fun (i, _) -> i / cols <> row) |> Array.map snd

/// The case without unit i of layer l: its row of W_l, column of W_{l−1}, bias, row and column of L_l, state column.
let dropUnit (c: Case) l i =
    let n = c.Sizes[l]
    { c with
        Sizes = c.Sizes |> Array.updateAt l (n - 1)
        Weights =
            c.Weights
            |> Array.mapi (fun w m ->
                if w = l then dropRow c.Sizes[l + 1] i m
                elif w = l - 1 then dropColumn n i m
                else m)
        Biases = c.Biases |> Array.updateAt l (removeAt i c.Biases[l])
        Laterals = c.Laterals |> Array.updateAt l (if c.Lateral[l] then c.Laterals[l] |> dropRow n i |> dropColumn n i else [||])
        States = c.States |> Array.updateAt l (dropColumn n i c.States[l]) }

/// The case without its first (`top` false) or last layer.
let dropLayer (c: Case) top =
    let l = if top then c.Layers - 1 else 0
    let w = if top then c.Layers - 2 else 0
    { c with
        Sizes = removeAt l c.Sizes
        Lateral = removeAt l c.Lateral
        Weights = removeAt w c.Weights
        Biases = removeAt l c.Biases
        Laterals = removeAt l c.Laterals
        States = removeAt l c.States }

let private dropBatchRow (c: Case) r =
    { c with
        Rows = c.Rows - 1
        States = c.States |> Array.mapi (fun l x -> dropRow c.Sizes[l] r x) }

let private withoutLateral (c: Case) l =
    { c with
        Lateral = c.Lateral |> Array.updateAt l false
        Laterals = c.Laterals |> Array.updateAt l [||] }

let private setAt (a: float32[]) (indices: int list) v =
    let b = Array.copy a
    for i in indices do
        b[i] <- v
    b

/// Smaller cases, most drastic first: fewer layers, units, rows or lateral matrices, then single values set to 0
/// (a lateral pair together), then rates rounded to spikes.
let shrinkCase (c: Case) : seq<Case> =
    seq {
        if c.Layers > 1 then
            yield dropLayer c true
            yield dropLayer c false
        for l in 0 .. c.Layers - 1 do
            if c.Sizes[l] > 1 then
                for i in 0 .. c.Sizes[l] - 1 -> dropUnit c l i
        for r in 0 .. c.Rows - 1 do
            if c.Rows > 1 then yield dropBatchRow c r
        for l in 0 .. c.Layers - 1 do
            if c.Lateral[l] then yield withoutLateral c l
        for l in 0 .. c.Layers - 2 do
            for i in 0 .. c.Weights[l].Length - 1 do
                if c.Weights[l][i] <> 0f then
                    yield { c with Weights = c.Weights |> Array.updateAt l (setAt c.Weights[l] [ i ] 0f) }
        for l in 0 .. c.Layers - 1 do
            for i in 0 .. c.Biases[l].Length - 1 do
                if c.Biases[l][i] <> 0f then
                    yield { c with Biases = c.Biases |> Array.updateAt l (setAt c.Biases[l] [ i ] 0f) }
        for l in 0 .. c.Layers - 1 do
            if c.Lateral[l] then
                let n = c.Sizes[l]
                for k in 0 .. n - 1 do
                    for j in k + 1 .. n - 1 do
                        if c.Laterals[l][k * n + j] <> 0f then
                            yield { c with Laterals = c.Laterals |> Array.updateAt l (setAt c.Laterals[l] [ k * n + j; j * n + k ] 0f) }
        for l in 0 .. c.Layers - 1 do
            for i in 0 .. c.States[l].Length - 1 do
                let x = c.States[l][i]
                if x <> 0f && x <> 1f then
                    yield { c with States = c.States |> Array.updateAt l (setAt c.States[l] [ i ] (if x < 0.5f then 0f else 1f)) }
                elif x = 1f then
                    yield { c with States = c.States |> Array.updateAt l (setAt c.States[l] [ i ] 0f) }
    }

/// The arbitrary instances of this project, registered per module with `[<Properties(Arbitrary = …)>]`.
type VpfArbs =
    /// Cases with spikes, rates, or clamped visible spikes below hidden rates (in ratio 2 : 1 : 1).
    static member Case() : Arbitrary<Case> =
        Arb.fromGenShrink (caseOf (Gen.frequency [ 2, Gen.constant Binary; 1, Gen.constant Rates; 1, Gen.constant Mixed ]), shrinkCase)

    /// Cases whose states are all 0/1.
    static member BinaryCase() : Arbitrary<BinaryCase> =
        Arb.fromGenShrink (
            caseOf (Gen.constant Binary) |> Gen.map BinaryCase,
            fun (BinaryCase c) -> shrinkCase c |> Seq.map BinaryCase
        )
