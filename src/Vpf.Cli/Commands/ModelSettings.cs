using System.ComponentModel;
using Spectre.Console.Cli;
using Vpf.Core.Model;
using Vpf.Core.Persistence;

namespace Vpf.Cli.Commands;

/// <summary>Options of commands that read one model file.</summary>
public class ModelSettings : CommonSettings
{
    /// <summary>The model file.</summary>
    [CommandArgument(0, "<MODEL>")]
    [Description("A model file written by 'vpf train' (.vpf).")]
    public string Model { get; init; } = "";

    internal (DeepBoltzmannMachine Model, ModelFileInfo Info) LoadModel() => ModelFile.LoadWithInfo(Model);

    internal static void CheckDimension(DeepBoltzmannMachine model, DataSet data, string modelPath, CommonSettings? source = null)
    {
        if (model.LayerSize(0) != data.Test.Dimension)
            throw new UsageException(source?.DataCsv is not null ? "--data-csv" : "--data",
                $"the model '{modelPath}' has {model.LayerSize(0)} visible units but the data have {data.Test.Dimension} {(source?.DataCsv is not null ? "value columns" : "pixels per image")}.");
    }

    /// <summary>
    /// The data <paramref name="s"/> selects, as <paramref name="model"/> sees them: binarised images for binary visible
    /// units; for Gaussian ones grey levels or table values, standardised by the model's stored standardisation.
    /// </summary>
    internal static DataSet DataFor(CommonSettings s, DeepBoltzmannMachine model, ModelFileInfo info, string modelPath)
    {
        var data = DataSource.Load(s, greyLevels: model.Architecture.HasGaussianVisible);
        CheckDimension(model, data, modelPath, s);
        return model.Architecture.HasGaussianVisible && info.Standardisation is { } standardisation ? data.Standardised(standardisation) : data;
    }
}
