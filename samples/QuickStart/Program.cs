using Vpf.Core.Data;
using Vpf.Core.Inference;
using Vpf.Core.Model;
using Vpf.Core.Training;

// The Fashion-MNIST test set shipped in data/ (10,000 images), binarised at half intensity, split 8,000 / 2,000.
// Pass another pair of MNIST-format IDX files (images, labels) to use them instead.
string images = args.Length > 0 ? args[0] : "data/fashion-mnist/t10k-images-idx3-ubyte.gz";
string labels = args.Length > 1 ? args[1] : "data/fashion-mnist/t10k-labels-idx1-ubyte.gz";
var (train, test) = BinaryDataset.LoadIdx(images, labels).Split(8000);

// A 784-500-1000 deep Boltzmann machine trained by VPF (the default Sampled estimator, 10 mean-field sweeps) with
// Adam at step 1e-3. The plan starts the visible biases at the pixel marginals and, after every epoch, measures K
// and the reconstruction cross-entropy on held-out images.
var plan = new TrainingPlan
{
    Architecture = Architecture.Dbm(train.Dimension, 500, 1000),
    Method = new VpfMethod { Options = new VpfOptions { Estimator = FlowEstimator.Sampled, MeanFieldSweeps = 10 } },
    TrainingOptions = new TrainingOptions { Epochs = 3, BatchSize = 100, Seed = 1 },
};
var result = plan.Run(train, heldOut: test);
foreach (var point in result.Curve)
    Console.WriteLine($"epoch {point.Epoch}: mean K = {point.MeanObjective:F3}, held-out K = {point.HeldOutObjective:F3} after {point.Seconds:F1} s");
var model = result.Model;

// Features: mean-field firing rates of the hidden layers for held-out images.
var batch = new float[10 * test.Dimension];
test.CopyRows(Enumerable.Range(0, 10).ToArray(), batch);
float[][] rates = MeanFieldSweep.Infer(model, batch, rows: 10);
Console.WriteLine($"top-layer rates of a held-out image: {string.Join(" ", rates[^1].Take(8).Select(r => r.ToString("F2")))} …");
