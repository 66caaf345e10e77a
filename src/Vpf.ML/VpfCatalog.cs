using Microsoft.ML;
using Vpf.Core.Model;
using Vpf.Core.Persistence;

namespace Vpf.ML;

/// <summary>Entry points of the VPF feature extractor on <see cref="TransformsCatalog"/> (<c>mlContext.Transforms</c>).</summary>
public static class VpfCatalog
{
    /// <summary>
    /// Creates a <see cref="VpfFeaturizerEstimator"/>, which trains a Deep Boltzmann Machine by Variational Probability
    /// Flow on binarised pixels and outputs the mean-field firing rates of its hidden layers.
    /// </summary>
    /// <param name="catalog">The transform catalog.</param>
    /// <param name="outputColumnName">Name of the new column: a known-size vector of Single with the chosen layers' rates.</param>
    /// <param name="inputColumnName">Name of the pixel column: a known-size vector of Single with intensities in [0, <see cref="VpfFeaturizerOptions.MaxIntensity"/>] (with <see cref="VpfFeaturizerOptions.VisibleUnits"/> Gaussian: any finite values, standardised in <c>Fit</c>); must differ from <paramref name="outputColumnName"/>.</param>
    /// <param name="options">Layer sizes, training and feature options; null for <see cref="VpfFeaturizerOptions"/>'s defaults (one hidden layer of 100, 10 epochs, seed from the MLContext).</param>
    /// <example>
    /// <code language="csharp">
    /// var mlContext = new MLContext(seed: 1);
    /// var pipeline = mlContext.Transforms.VpfFeatures("Features", "Pixels",
    ///         new VpfFeaturizerOptions { HiddenLayers = [200, 100], OutputLayers = [1, 2], Epochs = 5 })
    ///     .Append(mlContext.Transforms.Conversion.MapValueToKey("Label"))
    ///     .Append(mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Features", maximumNumberOfIterations: 20));
    /// var model = pipeline.Fit(trainingData);
    /// mlContext.Model.Save(model, trainingData.Schema, "model.zip");
    /// </code>
    /// Compiled and run by the tests: <c>tests/Vpf.ML.Tests/CatalogSample.cs</c>.
    /// </example>
    public static VpfFeaturizerEstimator VpfFeatures(this TransformsCatalog catalog, string outputColumnName, string inputColumnName,
        VpfFeaturizerOptions? options = null)
        => new(catalog, outputColumnName, inputColumnName, options, trained: null);

    /// <summary>
    /// Creates an estimator whose <c>Fit</c> does not train: it compiles an already trained machine, read from a model
    /// file, into the same transformers that <see cref="VpfFeatures"/> returns.
    /// </summary>
    /// <param name="catalog">The transform catalog.</param>
    /// <param name="outputColumnName">Name of the new column of features.</param>
    /// <param name="inputColumnName">Name of the pixel column: a known-size vector of Single of as many items as the model has visible units.</param>
    /// <param name="modelFilePath">A model file written by <c>Vpf.Core.Persistence.ModelFile.Save</c>; a standardisation it stores (a
    /// Gaussian model trained on standardised rows) is used unless <paramref name="options"/> gives one.</param>
    /// <param name="options">Feature options (sweeps, damping, output layers, binarisation); the training options are ignored. Null for the defaults.</param>
    /// <example>
    /// <code language="csharp">
    /// var options = new VpfFeaturizerOptions { HiddenLayers = [100], Epochs = 5 };
    /// var machine = new VpfFeaturizerEstimator(mlContext, "Features", "Pixels", options).TrainModel(data);
    /// ModelFile.Save(vpfModelPath, machine);
    /// var features = mlContext.Transforms.VpfFeaturesFromModel("Features", "Pixels", vpfModelPath, options).Fit(data);
    /// </code>
    /// Compiled and run by the tests: <c>tests/Vpf.ML.Tests/CatalogSample.cs</c>.
    /// </example>
    public static VpfFeaturizerEstimator VpfFeaturesFromModel(this TransformsCatalog catalog, string outputColumnName, string inputColumnName,
        string modelFilePath, VpfFeaturizerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelFilePath);
        var (model, info) = ModelFile.LoadWithInfo(modelFilePath);
        // A model trained on standardised rows (`vpf train --visible gaussian`) carries its standardisation: the
        // featurizer maps raw rows with it unless the options give one of their own.
        if (info.Standardisation is { } stored && options?.Standardisation is null)
        {
            options = options?.Clone() ?? new VpfFeaturizerOptions();
            options.Standardisation = stored;
        }
        return catalog.VpfFeaturesFromModel(outputColumnName, inputColumnName, model, options);
    }

    /// <summary>
    /// Creates an estimator whose <c>Fit</c> does not train: it compiles <paramref name="model"/> into the same ONNX
    /// transformer that <see cref="VpfFeatures"/> returns.
    /// </summary>
    /// <param name="catalog">The transform catalog.</param>
    /// <param name="outputColumnName">Name of the new column of features.</param>
    /// <param name="inputColumnName">Name of the pixel column: a known-size vector of Single of as many items as the model has visible units.</param>
    /// <param name="model">A trained machine (it is compiled at <c>Fit</c>; later changes to it are not seen by transformers already made).</param>
    /// <param name="options">Feature options (sweeps, damping, output layers, binarisation); the training options are ignored. Null for the defaults.</param>
    /// <example>
    /// <code language="csharp">
    /// var model = new VpfFeaturizerEstimator(mlContext, "Features", "Pixels", options).TrainModel(data);
    /// var features = mlContext.Transforms.VpfFeaturesFromModel("Features", "Pixels", model, options).Fit(data);
    /// </code>
    /// </example>
    public static VpfFeaturizerEstimator VpfFeaturesFromModel(this TransformsCatalog catalog, string outputColumnName, string inputColumnName,
        DeepBoltzmannMachine model, VpfFeaturizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new VpfFeaturizerEstimator(catalog, outputColumnName, inputColumnName, options, model);
    }
}
