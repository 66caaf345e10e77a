using BenchmarkDotNet.Running;

namespace Vpf.Bench;

/// <summary>Entry point: every benchmark class of this assembly, selected with BenchmarkDotNet's command line (--filter, --job).</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
