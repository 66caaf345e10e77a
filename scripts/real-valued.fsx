// Real-valued data: features for a converged linear classifier from RBMs with Gaussian visible units (VPF with the
// score-matching visible term, marginal score matching, CD-1), from a binary VPF RBM fed the grey levels (a fresh
// stochastic binarisation every epoch, as the ML.NET featurizer does), and the standardised inputs themselves; with
// all training labels and with a few hundred. Every classifier is ML.NET's LbfgsMaximumEntropy at its defaults, which
// iterates to convergence (optimisation tolerance 1e-7, no iteration cap), so no feature set wins by an early stop.
//
//   dotnet build -c Release src/Vpf.ML
//   dotnet fsi scripts/real-valued.fsx [--quick] [--epochs N] [--min-updates N] [--hidden N] [--sklearn-data DIR] [--out DIR]
//
// Data: the shipped Fashion-MNIST split (data/fashion-mnist, 8,000 fit / 2,000 test, grey levels / 255), and the
// digits (1,797 × 64) and breast-cancer (569 × 30) tables that Debian's python3-sklearn installs (skipped, with a
// line saying so, where that package is absent; nothing is downloaded). Each table is split 80/20 by a fixed seed.
// Every model uses one setting for every data set (nothing is tuned to one): RBM D-H with H = --hidden (500), the
// method's own default training (Adam 1e-3, batch 100, centering), --epochs (10) epochs or as many more as make
// --min-updates (800, the image set's 80 batches × 10 epochs) updates on a small table, seed 1.
//
// Output in out/real-valued/: real-valued.md and real-valued.json.
#load "Common.fsx"
// The versions pinned in Directory.Packages.props for src/Vpf.ML (scripts cannot use central package management:
// keep these identical to the pins).
#r "nuget: Microsoft.ML, 5.0.1"

open System
open System.IO
open System.IO.Compression
open Microsoft.ML
open Microsoft.ML.Data
open Common
open Vpf.Core.Data
open Vpf.Core.Model
open Vpf.Core.Training

let quick = args.Flag "--quick"
let out = outDir "real-valued"
let started = DateTime.UtcNow
let epochs = args.Int("--epochs", if quick then 2 else 10)
/// Small tables get more epochs, so that every model makes at least this many updates (the image set's 80 batches ×
/// 10 epochs): one rule for every data set, not a setting tuned to one.
let minUpdates = args.Int("--min-updates", if quick then 20 else 800)
let hidden = args.Int("--hidden", if quick then 32 else 500)
let sklearnData = args.Value "--sklearn-data" |> Option.defaultValue "/usr/lib/python3/dist-packages/sklearn/datasets/data"

/// A data set as raw real rows with labels, split into fit and test rows, and the few-label size used for it.
type Table = { Name: string; Fit: RealDataset; Test: RealDataset; FewLabels: int; Source: string }

/// 80/20 split by a fixed seed, each part in the original row order.
let split80 (all: RealDataset) =
    let order = Array.init all.Count id |> Array.sortBy (let rng = Random 7 in fun _ -> rng.Next())
    let cut = all.Count * 4 / 5
    let first, second = Array.sort order[.. cut - 1], Array.sort order[cut ..]
    all.Select(ReadOnlySpan first), all.Select(ReadOnlySpan second)

let parseRows (lines: string seq) (labelAt: string[] -> int) (valuesOf: string[] -> string[]) =
    let rows = lines |> Seq.filter (fun l -> l.Trim() <> "") |> Seq.map (fun l -> l.Split ',') |> Seq.toArray
    let values = rows |> Array.collect (fun r -> valuesOf r |> Array.map (fun s -> Single.Parse(s, Globalization.CultureInfo.InvariantCulture)))
    let labels = rows |> Array.map (labelAt >> byte)
    RealDataset.FromValues(ReadOnlySpan values, rows.Length, values.Length / rows.Length, labels)

let fashion () =
    let dir = Path.Combine(repoRoot, "data", "fashion-mnist")
    let all = RealDataset.LoadIdx(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"))
    let fit, test = all.Split 8000 |> fun struct (a, b) -> a, b
    { Name = "Fashion-MNIST (shipped split)"; Fit = fit; Test = test; FewLabels = 500
      Source = "data/fashion-mnist: the Fashion-MNIST test set, 8,000 fit / 2,000 test, grey levels / 255" }

let digits () =
    let path = Path.Combine(sklearnData, "digits.csv.gz")
    if not (File.Exists path) then None else
    use reader = new StreamReader(new GZipStream(File.OpenRead path, CompressionMode.Decompress))
    let all = parseRows (reader.ReadToEnd().Split '\n') (fun r -> int r[64]) (fun r -> r[.. 63])
    let fit, test = split80 all
    Some { Name = "digits (8×8, 0–16)"; Fit = fit; Test = test; FewLabels = 200
           Source = "python3-sklearn's digits.csv.gz: 1,797 rows × 64 grey levels, 10 classes, split 80/20" }

let breastCancer () =
    let path = Path.Combine(sklearnData, "breast_cancer.csv")
    if not (File.Exists path) then None else
    let all = parseRows (File.ReadAllLines path |> Seq.skip 1) (fun r -> int r[30]) (fun r -> r[.. 29])
    let fit, test = split80 all
    Some { Name = "breast cancer (Wisconsin)"; Fit = fit; Test = test; FewLabels = 100
           Source = "python3-sklearn's breast_cancer.csv: 569 rows × 30 measurements, 2 classes, split 80/20" }

let tables =
    [ Some(fashion ())
      digits ()
      breastCancer () ]
    |> List.choose id
let missing = if List.length tables < 3 then [ sprintf "python3-sklearn's tables not found under %s: only Fashion-MNIST measured" sklearnData ] else []

// ---------------------------------------------------------------------------------------------------------------
// Models and features.

/// Epochs for `rows` training rows at the method's batch size: --epochs, or more to reach --min-updates.
let epochsFor (rows: int) (batch: int) = max epochs ((minUpdates + (rows + batch - 1) / batch - 1) / ((rows + batch - 1) / batch))

let plan (visible: VisibleUnitKind) (d: int) (rows: int) (methodName: string) =
    let m = TrainingMethod.Parse methodName
    let t = m.DefaultTraining
    TrainingPlan(Architecture = Architecture.Rbm(d, hidden).WithVisibleUnits visible, Method = m,
                 TrainingOptions = TrainingOptions(Epochs = epochsFor rows t.BatchSize, BatchSize = t.BatchSize, Optimiser = t.Optimiser, Centering = t.Centering, Seed = 1))

/// Hidden rates σ(c + Wᵀx) of an RBM for every row of `data`, row after row.
let hiddenRates (model: DeepBoltzmannMachine) (data: Dataset) =
    let d, h = model.LayerSize 0, model.LayerSize 1
    let w, c = model.Weights 0, model.Biases 1
    let x = Array.zeroCreate<float32> d
    [| for r in 0 .. data.Count - 1 do
         data.CopyRow(r, Span x)
         let rates = Array.zeroCreate<float32> h
         for j in 0 .. h - 1 do
             let mutable field = float c[j]
             for i in 0 .. d - 1 do field <- field + float x[i] * float w[i * h + j]
             rates[j] <- float32 (1.0 / (1.0 + exp -field))
         yield rates |]

let rowsOf (data: Dataset) =
    [| for r in 0 .. data.Count - 1 ->
         let x = Array.zeroCreate<float32> data.Dimension
         data.CopyRow(r, Span x)
         x |]

/// Min–max scaling to [0, 1] on the fit rows (test rows clipped): the grey levels a binary visible layer reads as rates.
let unitRange (fit: RealDataset) (test: RealDataset) =
    let d = fit.Dimension
    let lo = Array.init d (fun c -> Seq.min (seq { for r in 0 .. fit.Count - 1 -> fit[r, c] }))
    let hi = Array.init d (fun c -> Seq.max (seq { for r in 0 .. fit.Count - 1 -> fit[r, c] }))
    let scale (data: RealDataset) =
        let values =
            [| for r in 0 .. data.Count - 1 do
                 for c in 0 .. d - 1 -> if hi[c] > lo[c] then Math.Clamp((data[r, c] - lo[c]) / (hi[c] - lo[c]), 0f, 1f) else 0f |]
        RealDataset.FromValues(ReadOnlySpan values, data.Count, d, data.Labels.ToArray())
    scale fit, scale test

/// A binary RBM trained on a fresh stochastic binarisation of the grey levels every epoch (the featurizer's way).
let binaryOnGrey (grey: RealDataset) =
    let p = plan VisibleUnitKind.Binary grey.Dimension grey.Count "vpf"
    let bytes = [| for r in 0 .. grey.Count - 1 do for c in 0 .. grey.Dimension - 1 -> byte (MathF.Round(grey[r, c] * 255f)) |]
    let draw epoch = BinaryDataset.FromIntensities(ReadOnlySpan bytes, grey.Count, grey.Dimension, BinarisationOptions.Stochastic(uint64 epoch)) :> Dataset
    p.Run(Func<int, Dataset> draw).Model

[<CLIMutable>]
type Row = { Features: float32[]; Label: uint32 }

let ml = MLContext(seed = 1)

/// Test accuracy of LbfgsMaximumEntropy (defaults: run to convergence) fitted on the first `labelled` fit rows.
let accuracy (fitFeatures: float32[][]) (fitLabels: ReadOnlyMemory<byte>) (testFeatures: float32[][]) (testLabels: ReadOnlyMemory<byte>) labelled =
    let dim = fitFeatures[0].Length
    let schema = SchemaDefinition.Create(typeof<Row>)
    schema["Features"].ColumnType <- VectorDataViewType(NumberDataViewType.Single, dim)
    let view (f: float32[][]) (l: ReadOnlyMemory<byte>) n =
        ml.Data.LoadFromEnumerable([ for i in 0 .. n - 1 -> { Features = f[i]; Label = uint32 l.Span[i] } ], schema)
    let pipeline =
        ((box (ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label"))) :?> IEstimator<ITransformer>)
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("LabelKey", "Features"))
    let model = pipeline.Fit(view fitFeatures fitLabels (min labelled fitFeatures.Length))
    ml.MulticlassClassification.Evaluate(model.Transform(view testFeatures testLabels testFeatures.Length), "LabelKey").MicroAccuracy

type Result =
    { Table: string; Features: string; Dimension: int; All: float; Few: float; TrainSeconds: float
      /// Squared error on the corrupted values (standardised scale): Gaussian noise σ 0.5, a hidden quarter; model and mean fill.
      Noise: (float * float) option; Hidden: (float * float) option
      /// Test log-likelihood (nats/row, AIS) on the standardised scale and on the data's own scale.
      LogLikelihood: (float * float) option }

let corruptions = [ Vpf.Core.Reconstruction.Corruption.AddGaussianNoise 0.5; Vpf.Core.Reconstruction.Corruption.HideFraction 0.25 ]

/// Denoising squared errors and the AIS test log-likelihood of a Gaussian-visible model on standardised rows.
let generative (model: DeepBoltzmannMachine) (standard: Standardisation) (zFit: RealDataset) (zTest: RealDataset) =
    let reports = Vpf.Core.Reconstruction.ReconstructionEvaluation.EvaluateSquaredError(model, zFit, zTest, corruptions, seed = 1)
    let pair (r: Vpf.Core.Reconstruction.SquaredErrorReport) = r.Model.ErrorOnCorrupted, r.MeanFill.ErrorOnCorrupted
    let ais =
        Vpf.Core.Evaluation.AnnealedImportanceSampling.EstimateLogPartition(
            model, Vpf.Core.Evaluation.AisOptions(Runs = 100, Seed = 1UL, VisibleBaseMeans = zFit.ColumnMeans()))
    let test = Array.zeroCreate<float32> (zTest.Count * zTest.Dimension)
    zTest.CopyRows(ReadOnlySpan(Array.init zTest.Count id), Span test)
    let ll = Vpf.Core.Evaluation.AnnealedImportanceSampling.RbmMeanLogLikelihood(model, ReadOnlySpan test, zTest.Count, ais.LogZ)
    Some(pair reports[0]), Some(pair reports[1]), Some(ll, ll - standard.LogDeterminant)

/// The no-weights baseline: independent standard normals on the standardised rows.
let independentNormals (standard: Standardisation) (zTest: RealDataset) =
    let d = float zTest.Dimension
    let meanSquare = Seq.average (seq { for r in 0 .. zTest.Count - 1 -> Seq.sum (seq { for c in 0 .. zTest.Dimension - 1 -> float zTest[r, c] ** 2.0 }) })
    let ll = -0.5 * d * log (2.0 * Math.PI) - 0.5 * meanSquare
    ll, ll - standard.LogDeterminant

let measure (t: Table) =
    let standard = Standardisation.Fit t.Fit
    let zFit, zTest = standard.Apply t.Fit, standard.Apply t.Test
    let greyFit, greyTest = unitRange t.Fit t.Test
    let gaussianModel methodName = (plan VisibleUnitKind.Gaussian t.Fit.Dimension t.Fit.Count methodName).Run(zFit).Model
    let candidates : (string * (unit -> float32[][] * float32[][] * ((float * float) option * (float * float) option * (float * float) option))) list =
        [ yield "standardised inputs (independent normals for the likelihood)",
                (fun () -> rowsOf zFit, rowsOf zTest, (None, None, Some(independentNormals standard zTest)))
          yield "inputs in [0, 1] (grey levels, or min–max scaled columns)", (fun () -> rowsOf greyFit, rowsOf greyTest, (None, None, None))
          for methodName, label in [ "vpf", "Gaussian VPF"; "sm-rbm", "Gaussian score matching (marginal)"; "cd", "Gaussian CD-1" ] do
              yield sprintf "%s RBM %d-%d" label t.Fit.Dimension hidden,
                    fun () ->
                        let model = gaussianModel methodName
                        hiddenRates model zFit, hiddenRates model zTest, generative model standard zFit zTest
          yield sprintf "binary VPF RBM %d-%d on grey levels" t.Fit.Dimension hidden,
                fun () ->
                    let model = binaryOnGrey greyFit
                    hiddenRates model greyFit, hiddenRates model greyTest, (None, None, None) ]
    [ for name, features in candidates ->
        let (fitF, testF, (noise, hiddenFill, ll)), seconds = timed features
        let all = accuracy fitF t.Fit.Labels testF t.Test.Labels fitF.Length
        let few = accuracy fitF t.Fit.Labels testF t.Test.Labels t.FewLabels
        printfn "%-30s %-48s all %.4f  %d labels %.4f  (%.1f s)" t.Name name all t.FewLabels few seconds
        { Table = t.Name; Features = name; Dimension = fitF[0].Length; All = all; Few = few; TrainSeconds = seconds
          Noise = noise; Hidden = hiddenFill; LogLikelihood = ll } ]

let header =
    [ sprintf "real-valued.fsx%s — %s UTC" (if quick then " --quick" else "") (started.ToString "yyyy-MM-dd HH:mm")
      sprintf "machine: %s" (machine ())
      sprintf "models: RBM D-%d, each method's default training (batch 100), %d epochs or more to make at least %d updates, seed 1; features: hidden rates σ(c + Wᵀx)" hidden epochs minUpdates
      "classifier: LbfgsMaximumEntropy at ML.NET's defaults (run to convergence), on every feature set" ]
    @ [ for t in tables -> sprintf "%s: %s; %d fit / %d test rows; few labels = first %d fit rows; %d epochs" t.Name t.Source t.Fit.Count t.Test.Count t.FewLabels (epochsFor t.Fit.Count 100) ]
    @ missing
header |> List.iter (printfn "%s")
let results = tables |> List.collect measure

let pairText digits (x: (float * float) option) = match x with Some(a, b) -> sprintf "%s (%s)" (fmt digits a) (fmt digits b) | None -> "–"
let table =
    markdownTable [ "data"; "features"; "dimension"; "accuracy, all labels"; "accuracy, few labels"
                    "squared error, noise σ 0.5 (mean fill)"; "squared error, hidden quarter (mean fill)"
                    "test log-likelihood, standardised (data scale)"; "seconds" ]
        [ for r in results ->
            let few = tables |> List.find (fun t -> t.Name = r.Table) |> fun t -> t.FewLabels
            [ r.Table; r.Features; string r.Dimension; fmt 4 r.All; sprintf "%s (%d)" (fmt 4 r.Few) few
              pairText 4 r.Noise; pairText 4 r.Hidden; pairText 1 r.LogLikelihood; fmt 1 r.TrainSeconds ] ]
let noteLines =
    [ "Squared errors are on the corrupted values of the standardised test rows, the model's and, in brackets, the mean fill's"
      "(the fit rows' column means, 0 on that scale); the noisy input itself has error σ² = 0.25 on average."
      "Log-likelihoods: AIS (100 runs, the default 10,000-temperature schedule, base N(fit means, I)) on the standardised scale, and on the data's own scale"
      "(minus Σ log s); the standardised-inputs row is independent standard normals. Seconds: training plus feature computation and, for Gaussian models, evaluation." ]
File.WriteAllText(Path.Combine(out, "real-valued.md"),
                  "# real-valued.fsx results\n\n" + String.Join("\n", header |> List.map (fun l -> "- " + l)) + "\n\n" + table + "\n\n" + String.Join("\n", noteLines) + "\n")
let optPair (x: (float * float) option) = match x with Some(a, b) -> arr [ num a; num b ] | None -> null
saveJson (Path.Combine(out, "real-valued.json"))
    (obj [ "script", str "real-valued.fsx"; "quick", boolean quick; "date", str (started.ToString "o"); "machine", str (machine ())
           "epochs", num (float epochs); "minUpdates", num (float minUpdates); "hidden", num (float hidden)
           "results", arr [ for r in results ->
                              obj [ "data", str r.Table; "features", str r.Features; "dimension", num (float r.Dimension)
                                    "accuracyAllLabels", num r.All; "accuracyFewLabels", num r.Few; "seconds", num r.TrainSeconds
                                    "noiseSquaredError", optPair r.Noise; "hiddenSquaredError", optPair r.Hidden
                                    "logLikelihood", optPair r.LogLikelihood ] ] ])
printfn "\n%s\n\nwrote %s (real-valued.md, real-valued.json)" table out
