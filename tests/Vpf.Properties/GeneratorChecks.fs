/// The generator and shrinker themselves: every case (and every shrink of one) is well formed, so the properties
/// above test machines, not malformed input. Also guards against FsCheck silently deriving `Case` by reflection.
module Vpf.Properties.GeneratorChecks

open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Vpf.Properties.Generators

let private wellFormed (c: Case) =
    let n = c.Sizes
    [ if c.Layers < 1 || c.Layers > 4 then yield $"{c.Layers} layers"
      if c.Rows < 1 || c.Rows > 4 then yield $"{c.Rows} rows"
      if c.Lateral.Length <> c.Layers then yield "lateral flags"
      if c.Weights.Length <> c.Layers - 1 then yield "weight tensors"
      for l in 0 .. c.Layers - 1 do
          if n[l] < 1 || n[l] > 6 then yield $"layer {l} has {n[l]} units"
          if c.Biases[l].Length <> n[l] then yield $"b{l} length"
          if c.States[l].Length <> c.Rows * n[l] then yield $"x{l} length"
          if c.States[l] |> Array.exists (fun x -> not (x >= 0f && x <= 1f)) then yield $"x{l} outside [0, 1]"
          if l + 1 < c.Layers && c.Weights[l].Length <> n[l] * n[l + 1] then yield $"W{l} length"
          if c.Lateral[l] then
              let lat = c.Laterals[l]
              if lat.Length <> n[l] * n[l] then yield $"L{l} length"
              else
                  for k in 0 .. n[l] - 1 do
                      if lat[k * n[l] + k] <> 0f then yield $"L{l} diagonal"
                      for j in 0 .. n[l] - 1 do
                          if lat[k * n[l] + j] <> lat[j * n[l] + k] then yield $"L{l} asymmetric"
          elif c.Laterals[l].Length <> 0 then
              yield $"L{l} present without the flag"
      for t in Seq.concat [ c.Weights; c.Biases; c.Laterals ] do
          if t |> Array.exists (fun v -> abs v > 2f) then yield "a parameter outside ±2" ]

[<Properties(Arbitrary = [| typeof<VpfArbs> |], MaxTest = 300)>]
module ``when a case is generated`` =

    [<Property>]
    let ``then it is well formed and so is every shrink of it`` (c: Case) =
        let problems = wellFormed c
        let shrinkProblems = [ for s in shrinkCase c |> Seq.truncate 50 do yield! wellFormed s ]
        (problems.IsEmpty |> Prop.label $"case: {problems}")
        .&. (shrinkProblems.IsEmpty |> Prop.label $"shrinks: {shrinkProblems}")
        |> Prop.classify c.IsBinary "binary"
        |> Prop.classify (c.States |> Array.exists (Array.exists (fun x -> x <> 0f && x <> 1f))) "with rates"
        |> Prop.classify (Array.contains true c.Lateral) "with lateral weights"
        |> Prop.classify (c.Layers >= 3) "three or more layers"

    [<Property>]
    let ``then a binary case has only spikes`` (BinaryCase c) = c.IsBinary && List.isEmpty (wellFormed c)
