#!/usr/bin/python3
"""OpenBLAS float32 sgemm throughput at the shapes of Vpf.Bench's MatrixProductBenchmarks.

Baseline for the C# matrix-product kernels: the same rows (same names) as the GFLOP/s columns of
`dotnet run -c Release --project bench/Vpf.Bench -- --filter '*MatrixProduct*'`, on 1 and 2 threads.

Run (Debian numpy linked against OpenBLAS; a pyenv python3 on PATH may lack numpy, hence /usr/bin/python3):

    apt-get install -y python3-numpy libopenblas0-pthread
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/openblas_sgemm.py

Unsetting OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE lets OpenBLAS pick its kernel and blocking for the CPU it
detects, which is the fair comparison; the script prints the kernel it ended up with. Times are the best and
the median of several timed runs of about 0.2 s each (the best is the figure to compare on a shared machine).
"""

import ctypes
import os
import statistics
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")  # must precede the numpy import to size the pool

import numpy as np  # noqa: E402


def openblas_library():
    """The OpenBLAS shared library numpy loaded (found in this process's memory map)."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if ".so" in line}
    # Debian installs OpenBLAS as .../openblas-pthread/libblas.so.3 (next to its LAPACK); other builds as libopenblas*.
    for path in sorted(paths):
        name = os.path.basename(path)
        if name.startswith("libopenblas") or ("openblas" in path and name.startswith("libblas")):
            return ctypes.CDLL(path), path
    return None, None


def training_shapes():
    """(row name, numpy operation, m, k, n), in the order and with the names of ProductCase.TrainingShapes."""
    for batch in (100, 1000):
        for rows, columns in ((784, 500), (500, 1000)):
            yield f"A·B {batch}x{rows}·{rows}x{columns}", "ab", batch, rows, columns
            yield f"A·Bt {batch}x{columns}·({rows}x{columns})t", "abt", batch, columns, rows
            yield f"At·B ({batch}x{rows})t·{batch}x{columns}", "atb", rows, batch, columns


def operands(kind, m, k, n, rng):
    """Row-major operands stored as the C# API takes them; transposes are views, so sgemm gets trans flags."""
    if kind == "ab":
        a, b = rng.random((m, k), np.float32), rng.random((k, n), np.float32)
    elif kind == "abt":
        a, b = rng.random((m, k), np.float32), rng.random((n, k), np.float32).T
    else:
        a, b = rng.random((k, m), np.float32).T, rng.random((k, n), np.float32)
    return a, b, np.empty((m, n), np.float32)


def measure(a, b, c, flops, trials=7, seconds=0.2):
    for _ in range(3):
        np.matmul(a, b, out=c)
    start = time.perf_counter()
    np.matmul(a, b, out=c)
    reps = max(1, int(seconds / max(time.perf_counter() - start, 1e-6)))
    rates = []
    for _ in range(trials):
        start = time.perf_counter()
        for _ in range(reps):
            np.matmul(a, b, out=c)
        rates.append(flops * reps / (time.perf_counter() - start) / 1e9)
    return max(rates), statistics.median(rates)


def main():
    library, path = openblas_library()
    print(f"numpy {np.__version__}, OpenBLAS library: {path}")
    if library is not None:
        library.openblas_get_config.restype = ctypes.c_char_p
        library.openblas_get_corename.restype = ctypes.c_char_p
        print(f"OpenBLAS config: {library.openblas_get_config().decode()}")
        print(f"OpenBLAS core (kernel): {library.openblas_get_corename().decode()}")
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS"):
        print(f"{name}={os.environ.get(name, '(unset)')}")

    rng = np.random.default_rng(42)
    print()
    print(f"| {'Case':<32} | Threads | GFLOP/s best | GFLOP/s median |")
    print(f"|{'-' * 34}|---------|--------------|----------------|")
    for name, kind, m, k, n in training_shapes():
        a, b, c = operands(kind, m, k, n, rng)
        for threads in (1, 2):
            if library is not None:
                library.openblas_set_num_threads(threads)
            best, median = measure(a, b, c, 2.0 * m * n * k)
            print(f"| {name:<32} | {threads:>7} | {best:>12.1f} | {median:>14.1f} |", flush=True)


if __name__ == "__main__":
    main()
