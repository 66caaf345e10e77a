namespace Vpf.Core.Evaluation;

/// <summary>Options of <see cref="SoftmaxRegression"/>; the defaults suit a linear probe on a few thousand features.</summary>
public sealed record SoftmaxRegressionOptions
{
    /// <summary>λ of the penalty (λ/2)‖W‖² added to the mean cross-entropy (biases are not penalised). Default 1e-4.</summary>
    public double L2 { get; init; } = 1e-4;

    /// <summary>Most L-BFGS iterations (each one full-batch gradient plus its line search). Default 200.</summary>
    public int MaxIterations { get; init; } = 200;

    /// <summary>Stop once the largest gradient entry is below this. Default 1e-5.</summary>
    public double GradientTolerance { get; init; } = 1e-5;

    /// <summary>Number of curvature pairs L-BFGS keeps. Default 10.</summary>
    public int Memory { get; init; } = 10;

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (!(L2 >= 0) || !double.IsFinite(L2)) throw new InvalidOptionsException(nameof(L2), $"must be a finite number ≥ 0; got {L2}.");
        if (MaxIterations < 0) throw new InvalidOptionsException(nameof(MaxIterations), $"must be ≥ 0; got {MaxIterations}.");
        if (!(GradientTolerance >= 0)) throw new InvalidOptionsException(nameof(GradientTolerance), $"must be ≥ 0; got {GradientTolerance}.");
        if (Memory < 1) throw new InvalidOptionsException(nameof(Memory), $"must be ≥ 1; got {Memory}.");
    }
}

/// <summary>
/// Multinomial logistic regression (a linear classifier with a softmax output) fitted by minimising the L2-regularised
/// mean cross-entropy (1/N) Σ_n −log softmax(x_n W + b)_{y_n} + (λ/2)‖W‖² with full-batch L-BFGS. The objective is
/// convex (strictly, for λ &gt; 0), the start is zero and the solver uses no randomness, so the same data give the
/// same model, bit for bit, on the same machine.
/// </summary>
/// <remarks>
/// Classes are the distinct labels of the training data, in increasing order. Features are floats (the products with W
/// run in single precision, row by row); the loss and the solver's vectors are kept in double.
/// </remarks>
internal sealed class SoftmaxRegression
{
    private readonly byte[] _classes;
    private readonly float[] _weights;
    private readonly float[] _biases;

    private SoftmaxRegression(byte[] classes, int featureCount, float[] weights, float[] biases, int iterations, double loss)
    {
        _classes = classes;
        FeatureCount = featureCount;
        _weights = weights;
        _biases = biases;
        Iterations = iterations;
        TrainingLoss = loss;
    }

    /// <summary>The class labels, in increasing order; column c of <see cref="Weights"/> belongs to Classes[c].</summary>
    public IReadOnlyList<byte> Classes => _classes;

    /// <summary>Features per example.</summary>
    public int FeatureCount { get; }

    /// <summary>W, FeatureCount × Classes.Count, row-major.</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <summary>b, one per class.</summary>
    public ReadOnlySpan<float> Biases => _biases;

    /// <summary>L-BFGS iterations run.</summary>
    public int Iterations { get; }

    /// <summary>Regularised training loss at the end.</summary>
    public double TrainingLoss { get; }

    /// <summary>Fits the model to <paramref name="rows"/> examples.</summary>
    /// <param name="features">rows × <paramref name="featureCount"/>, row-major.</param>
    /// <param name="rows">Number of examples, at least 1.</param>
    /// <param name="featureCount">Features per example, at least 1.</param>
    /// <param name="labels">One label per example.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <exception cref="ArgumentException">Sizes disagree.</exception>
    /// <exception cref="InvalidOptionsException">An option is out of range.</exception>
    public static SoftmaxRegression Fit(ReadOnlySpan<float> features, int rows, int featureCount, ReadOnlySpan<byte> labels,
        SoftmaxRegressionOptions? options = null)
    {
        options ??= new SoftmaxRegressionOptions();
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        CheckFeatures(features.Length, rows, featureCount);
        if (labels.Length != rows)
            throw new ArgumentException($"Expected {rows} labels (one per example); got {labels.Length}.", nameof(labels));
        byte[] classes = labels.ToArray().Distinct().Order().ToArray();
        var index = new int[256];
        for (int c = 0; c < classes.Length; c++) index[classes[c]] = c;
        var targets = new int[rows];
        for (int n = 0; n < rows; n++) targets[n] = index[labels[n]];

        var problem = new Problem(features.ToArray(), rows, featureCount, targets, classes.Length, options.L2);
        var theta = new double[featureCount * classes.Length + classes.Length];
        (int iterations, double loss) = Minimise(problem, theta, options);
        int w = featureCount * classes.Length;
        var weights = new float[w];
        var biases = new float[classes.Length];
        for (int i = 0; i < w; i++) weights[i] = (float)theta[i];
        for (int c = 0; c < classes.Length; c++) biases[c] = (float)theta[w + c];
        return new SoftmaxRegression(classes, featureCount, weights, biases, iterations, loss);
    }

    /// <summary>The most probable class of each example (ties go to the smaller label).</summary>
    public byte[] Predict(ReadOnlySpan<float> features, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        CheckFeatures(features.Length, rows, FeatureCount);
        int classes = _classes.Length;
        var logits = new float[rows * classes];
        RowTimesWeights(features, _weights, logits, rows, FeatureCount, classes);
        var predictions = new byte[rows];
        for (int n = 0; n < rows; n++)
        {
            int best = 0;
            float bestValue = float.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                float z = logits[n * classes + c] + _biases[c];
                if (z > bestValue) { bestValue = z; best = c; }
            }
            predictions[n] = _classes[best];
        }
        return predictions;
    }

    /// <summary>Fraction of examples whose predicted class equals the label (a label never seen in training is always wrong).</summary>
    public double Accuracy(ReadOnlySpan<float> features, int rows, ReadOnlySpan<byte> labels)
    {
        if (labels.Length != rows)
            throw new ArgumentException($"Expected {rows} labels (one per example); got {labels.Length}.", nameof(labels));
        if (rows == 0) return double.NaN;
        var predictions = Predict(features, rows);
        int correct = 0;
        for (int n = 0; n < rows; n++) if (predictions[n] == labels[n]) correct++;
        return (double)correct / rows;
    }

    /// <summary>
    /// The regularised loss at θ = (W row-major, then b) and its gradient, written to <paramref name="gradient"/>
    /// (for the solver and for finite-difference tests).
    /// </summary>
    internal static double LossAndGradient(float[] features, int rows, int featureCount, int[] targets, int classes, double l2,
        ReadOnlySpan<double> theta, Span<double> gradient) =>
        new Problem(features, rows, featureCount, targets, classes, l2).Evaluate(theta, gradient);

    private static void CheckFeatures(int length, int rows, int featureCount)
    {
        if (length != (long)rows * featureCount)
            throw new ArgumentException($"Expected {rows} rows of {featureCount} features ({(long)rows * featureCount} values); got {length}.", "features");
    }

    /// <summary>L-BFGS (two-loop recursion) with a backtracking Armijo line search; θ is updated in place.</summary>
    private static (int Iterations, double Loss) Minimise(Problem problem, double[] theta, SoftmaxRegressionOptions options)
    {
        int size = theta.Length, memory = options.Memory;
        var g = new double[size];
        var direction = new double[size];
        var trial = new double[size];
        var trialGradient = new double[size];
        var stepTaken = new double[size];
        var gradientChange = new double[size];
        var s = new double[memory][];
        var y = new double[memory][];
        var rho = new double[memory];
        var alpha = new double[memory];
        int stored = 0, newest = -1;
        double loss = problem.Evaluate(theta, g);
        int iteration = 0;
        while (iteration < options.MaxIterations && MaxAbs(g) > options.GradientTolerance)
        {
            // Two-loop recursion: direction = −H g.
            for (int i = 0; i < size; i++) direction[i] = -g[i];
            for (int m = 0; m < stored; m++)
            {
                int j = (newest - m + memory) % memory;
                alpha[j] = rho[j] * Dot(s[j], direction);
                Axpy(-alpha[j], y[j], direction);
            }
            double scale = stored > 0 ? Dot(s[newest], y[newest]) / Dot(y[newest], y[newest]) : 1.0 / Math.Sqrt(Dot(g, g));
            for (int i = 0; i < size; i++) direction[i] *= scale;
            for (int m = stored - 1; m >= 0; m--)
            {
                int j = (newest - m + memory) % memory;
                double beta = rho[j] * Dot(y[j], direction);
                Axpy(alpha[j] - beta, s[j], direction);
            }
            double slope = Dot(g, direction);
            if (!(slope < 0))
            {
                // Not a descent direction (rounding): restart from steepest descent.
                stored = 0;
                for (int i = 0; i < size; i++) direction[i] = -g[i] / Math.Sqrt(Dot(g, g));
                slope = Dot(g, direction);
            }
            double step = 1, trialLoss;
            while (true)
            {
                for (int i = 0; i < size; i++) trial[i] = theta[i] + step * direction[i];
                trialLoss = problem.Evaluate(trial, trialGradient);
                if (trialLoss <= loss + 1e-4 * step * slope) break;
                step *= 0.5;
                if (step < 1e-12) return (iteration, loss);
            }
            for (int i = 0; i < size; i++)
            {
                stepTaken[i] = trial[i] - theta[i];
                gradientChange[i] = trialGradient[i] - g[i];
            }
            double sy = Dot(stepTaken, gradientChange);
            if (sy > 1e-12)
            {
                // Keep the pair (without curvature it would make H indefinite, so it is dropped otherwise).
                newest = (newest + 1) % memory;
                s[newest] ??= new double[size];
                y[newest] ??= new double[size];
                stepTaken.CopyTo(s[newest], 0);
                gradientChange.CopyTo(y[newest], 0);
                rho[newest] = 1 / sy;
                stored = Math.Min(stored + 1, memory);
            }
            trial.CopyTo(theta, 0);
            trialGradient.CopyTo(g, 0);
            iteration++;
            bool stalled = loss - trialLoss <= 1e-12 * Math.Max(1, Math.Abs(loss));
            loss = trialLoss;
            if (stalled) break;
        }
        return (iteration, loss);
    }

    /// <summary>
    /// Logits X·W for a tall X and a narrow W (features × classes), row by row so that X is streamed once; zero
    /// features are skipped.
    /// </summary>
    private static void RowTimesWeights(ReadOnlySpan<float> features, ReadOnlySpan<float> weights, Span<float> logits,
        int rows, int featureCount, int classes)
    {
        logits[..(rows * classes)].Clear();
        for (int n = 0; n < rows; n++)
        {
            var x = features.Slice(n * featureCount, featureCount);
            var z = logits.Slice(n * classes, classes);
            for (int i = 0; i < featureCount; i++)
            {
                float xi = x[i];
                if (xi == 0f) continue;
                var w = weights.Slice(i * classes, classes);
                for (int c = 0; c < classes; c++) z[c] += xi * w[c];
            }
        }
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += a * x[i];
    }

    private static double MaxAbs(double[] a)
    {
        double max = 0;
        foreach (double v in a) max = Math.Max(max, Math.Abs(v));
        return max;
    }

    /// <summary>The data of one fit and its scratch buffers.</summary>
    private sealed class Problem(float[] features, int rows, int featureCount, int[] targets, int classes, double l2)
    {
        private readonly float[] _weights = new float[featureCount * classes];
        private readonly float[] _logits = new float[rows * classes];
        private readonly float[] _weightGradient = new float[featureCount * classes];

        public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
        {
            int w = featureCount * classes;
            for (int i = 0; i < w; i++) _weights[i] = (float)theta[i];
            RowTimesWeights(features, _weights, _logits, rows, featureCount, classes);
            gradient.Clear();
            double loss = 0;
            double inverseRows = 1.0 / rows;
            Span<double> z = stackalloc double[classes];
            for (int n = 0; n < rows; n++)
            {
                var row = _logits.AsSpan(n * classes, classes);
                double max = double.NegativeInfinity;
                for (int c = 0; c < classes; c++)
                {
                    z[c] = row[c] + theta[w + c];
                    max = Math.Max(max, z[c]);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) sum += Math.Exp(z[c] - max);
                double logSum = max + Math.Log(sum);
                loss += logSum - z[targets[n]];
                // The logits' buffer becomes d = (softmax − one-hot) / N, the input of both gradients.
                for (int c = 0; c < classes; c++)
                {
                    double d = (Math.Exp(z[c] - logSum) - (c == targets[n] ? 1 : 0)) * inverseRows;
                    row[c] = (float)d;
                    gradient[w + c] += d;
                }
            }
            loss *= inverseRows;
            // Xᵀ·D, streamed row by row (cache-friendly for a tall X, and zero features, common in binary images
            // and saturated rates, are skipped).
            Array.Clear(_weightGradient);
            for (int n = 0; n < rows; n++)
            {
                var x = features.AsSpan(n * featureCount, featureCount);
                var d = _logits.AsSpan(n * classes, classes);
                for (int i = 0; i < featureCount; i++)
                {
                    float xi = x[i];
                    if (xi == 0f) continue;
                    var g = _weightGradient.AsSpan(i * classes, classes);
                    for (int c = 0; c < classes; c++) g[c] += xi * d[c];
                }
            }
            double penalty = 0;
            for (int i = 0; i < w; i++)
            {
                penalty += theta[i] * theta[i];
                gradient[i] = _weightGradient[i] + l2 * theta[i];
            }
            return loss + 0.5 * l2 * penalty;
        }
    }
}
