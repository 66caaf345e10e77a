namespace Vpf.Kernels.Tests;

/// <summary>
/// Every test class that changes the process-wide <see cref="KernelSettings"/> (vector width, thread count) joins this
/// collection, so that those classes never run in parallel with each other.
/// </summary>
[CollectionDefinition("KernelSettings", DisableParallelization = true)]
public sealed class KernelSettingsCollection { }
