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

    internal static void CheckDimension(DeepBoltzmannMachine model, DataSet data, string modelPath)
    {
        if (model.LayerSize(0) != data.Test.Dimension)
            throw new UsageException("--data", $"the model '{modelPath}' has {model.LayerSize(0)} visible units but the data have {data.Test.Dimension} pixels per image.");
    }
}
