#!/usr/bin/env bash
# Data-parallel scaling on one machine: one epoch of VPF on the 784-500-1000 DBM over the full Fashion-MNIST
# (dataset-fashion-mnist) as 1 process × 1 thread, 1 process × 2 threads and 2 MPI processes × 1 thread, then a
# projection to N processes from the measured per-row compute and a ring allreduce of the gradient.
# Usage: scripts/bench-distributed.sh [extra vpf train options, e.g. --train-rows 6000]
#        scripts/bench-distributed.sh --from-logs DIR    (re-print the tables from an earlier run's logs)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--from-logs" ]; then
  out=$2
else
  dotnet build -c Release src/Vpf.Cli -v quiet -nologo >/dev/null || { echo "build failed: dotnet build -c Release src/Vpf.Cli" >&2; exit 1; }
  vpf=src/Vpf.Cli/bin/Release/net10.0/vpf
  out=$(mktemp -d)
  common=(train --full --layers 784,500,1000 --epochs 1 --test-rows 1000 "$@")
  "$vpf" "${common[@]}" --threads 1 --out "$out/p1t1.vpf" > "$out/p1t1.log"
  "$vpf" "${common[@]}" --threads 2 --out "$out/p1t2.vpf" > "$out/p1t2.log"
  mpiexec.mpich -n 2 "$vpf" "${common[@]}" --threads 1 --distributed --out "$out/p2t1.vpf" > "$out/p2t1.log"
fi
python3 - "$out" <<'PY'
import re, sys
folder = sys.argv[1]
def log(name): return open(f"{folder}/{name}.log").read()
def epoch_seconds(text):
    # "… epoch 1/1: K …, 12.3 s" or "…, 2:09" (m:ss) or "…, 1:02:03"
    last = re.search(r"epoch 1/1: .*, ([0-9.:]+)( s)?\n", text).group(1)
    parts = [float(p) for p in last.split(":")]
    return sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
first = log("p1t1")
batches, batch = map(int, re.search(r"(\d+) batches of (\d+)", first).groups())
rows = batches * batch
t11, t12, t21 = (epoch_seconds(log(n)) for n in ("p1t1", "p1t2", "p2t1"))
m = re.search(r"Exchanges: (\d+) calls in ([0-9.]+) s; seconds per process ([0-9., ]+);", log("p2t1"))
calls, wall = int(m.group(1)), float(m.group(2))
per_process = [float(x) for x in m.group(3).split(",")]
least = min(per_process)
params = 784 * 500 + 500 * 1000 + 784 + 500 + 1000          # gradient entries, float32
size = params * 4
per_call = least / (calls / 2)                                 # two exchanges per batch; the gradient dominates
print(f"rows {rows}, batch {batch}, gradient {params:,} floats = {size / 1e6:.2f} MB per batch")
print(f"| configuration | epoch s | vs 1 × 1 |")
print(f"|---|---|---|")
for name, t in [("1 process × 1 thread", t11), ("1 process × 2 threads", t12), ("2 processes × 1 thread", t21)]:
    print(f"| {name} | {t:.1f} | {t11 / t:.2f}× |")
print(f"2 processes: seconds in exchanges per process {per_process} over {calls} calls; least {least:.2f} s = {least / t21:.1%} of the epoch, "
      f"{per_call * 1e3:.2f} ms per batch ({size / per_call / 1e9:.2f} GB/s for the gradient, waiting included)")
compute = t11 / rows                                          # seconds per row, one thread
print(f"compute per row (1 thread): {compute * 1e3:.3f} ms")
alpha = 5e-6                                                  # assumed per-message latency of the network
print("| processes | network | ring allreduce ms | smallest batch with exchanges < 10 % | rows per process |")
print("|---|---|---|---|---|")
for n in (8, 64, 512):
    for gbit in (10, 100):
        bandwidth = gbit / 8 * 1e9
        t = 2 * (n - 1) / n * size / bandwidth + 2 * (n - 1) * alpha
        # exchanges ≤ 10 % of the epoch: t ≤ 0.1 (compute·B/n + t)  ⇔  B ≥ 9 n t / compute
        b = 9 * n * t / compute
        print(f"| {n} | {gbit} Gb/s | {t * 1e3:.2f} | {b:,.0f} | {b / n:,.0f} |")
PY
echo "logs: $out"
