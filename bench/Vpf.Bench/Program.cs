using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Vpf.Bench.AisBenchmark).Assembly).Run(args);
