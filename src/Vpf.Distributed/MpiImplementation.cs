namespace Vpf.Distributed;

/// <summary>
/// The two ABIs an MPI library can have. MPI fixes the C API but not its binary form: MPICH (and the libraries
/// built on it: Intel MPI, MVAPICH, Cray MPICH) makes handles 32-bit integers with fixed values, Open MPI makes them
/// pointers to objects the library exports. The bindings pick their handle values and signatures by which one is loaded.
/// </summary>
public enum MpiImplementation
{
    /// <summary>MPICH's ABI: integer handles (MPI_COMM_WORLD = 0x44000000 …), MPI_IN_PLACE = −1.</summary>
    Mpich,

    /// <summary>Open MPI's ABI: handles are addresses of exported objects (ompi_mpi_comm_world …), MPI_IN_PLACE = 1.</summary>
    OpenMpi,
}
