using Vpf.Distributed;

namespace Vpf.Cli.Tests;

public class MpiLibraryTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void The_override_variable_is_the_only_candidate()
    {
        var names = MpiLibrary.Candidates(Environment(("VPF_MPI_LIBRARY", "/opt/mpi/lib/libmpi.so"), ("OMPI_COMM_WORLD_SIZE", "2")));
        Assert.Equal(["/opt/mpi/lib/libmpi.so"], names);
    }

    [Fact]
    public void Open_mpis_launcher_puts_open_mpi_first_and_otherwise_mpich_comes_first()
    {
        Assert.Equal(["libmpi.so.40", "libmpich.so.12", "libmpi.so.12"], MpiLibrary.Candidates(Environment(("OMPI_COMM_WORLD_SIZE", "4"))));
        Assert.Equal(["libmpich.so.12", "libmpi.so.12", "libmpi.so.40"], MpiLibrary.Candidates(Environment(("PMI_SIZE", "4"))));
        Assert.Equal(["libmpich.so.12", "libmpi.so.12", "libmpi.so.40"], MpiLibrary.Candidates(Environment()));
    }
}
