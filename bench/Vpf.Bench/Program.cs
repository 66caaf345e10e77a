using BenchmarkDotNet.Running;

namespace Vpf.Bench;

/// <summary>
/// Entry point: every benchmark class of this assembly, selected with BenchmarkDotNet's command line (--filter, --job);
/// `defaults` instead runs <see cref="DefaultsCheck"/>, `compare` <see cref="ReferenceComparison"/>, `featurizer` <see cref="FeaturizerCheck"/>,
/// `centering-cost` <see cref="CenteringCostCheck"/>.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["defaults"]) DefaultsCheck.Run();
        else if (args is ["compare", ..]) ReferenceComparison.Run(args);
        else if (args is ["featurizer", ..]) FeaturizerCheck.Run(args[1..]);
        else if (args is ["centering-cost", ..]) CenteringCostCheck.Run(args[1..]);
        else BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
