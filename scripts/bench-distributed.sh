#!/usr/bin/env bash
# Data-parallel scaling on one machine: one epoch of VPF on the 784-500-1000 DBM over the full Fashion-MNIST
# (dataset-fashion-mnist) as 1 process × 1 thread, 1 process × 2 threads and 2 MPI processes × 1 thread, then a
# projection to N processes from the measured per-row compute and a ring allreduce of the gradient.
# Usage: scripts/bench-distributed.sh [extra vpf train options, e.g. --train-rows 6000]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release src/Vpf.Cli -v quiet -nologo >/dev/null
vpf=src/Vpf.Cli/bin/Release/net10.0/vpf
out=$(mktemp -d)
common=(train --full --layers 784,500,1000 --epochs 1 --test-rows 1000 "$@")
epoch() { grep -oE 'epoch 1/1: .* ([0-9.]+) s$' "$1" | grep -oE '[0-9.]+ s$' | tr -d ' s'; }

"$vpf" "${common[@]}" --threads 1 --out "$out/p1t1.vpf" > "$out/p1t1.log"
"$vpf" "${common[@]}" --threads 2 --out "$out/p1t2.vpf" > "$out/p1t2.log"
mpiexec.mpich -n 2 "$vpf" "${common[@]}" --threads 1 --distributed --out "$out/p2t1.vpf" > "$out/p2t1.log"

batches=$(grep -oE '[0-9]+ batches of' "$out/p1t1.log" | grep -oE '^[0-9]+')
batch=$(grep -oE 'batches of [0-9]+' "$out/p1t1.log" | grep -oE '[0-9]+$')
rows=$((batches * batch))
t11=$(epoch "$out/p1t1.log"); t12=$(epoch "$out/p1t2.log"); t21=$(epoch "$out/p2t1.log")
exchanges=$(grep -E '^Exchanges:' "$out/p2t1.log")
calls=$(echo "$exchanges" | grep -oE '^Exchanges: [0-9]+' | grep -oE '[0-9]+$')
least=$(echo "$exchanges" | grep -oE 'per process [0-9., ]+' | grep -oE '[0-9.]+' | sort -g | head -1)
python3 - "$rows" "$batch" "$t11" "$t12" "$t21" "$calls" "$least" <<'PY'
import sys
rows, batch = int(sys.argv[1]), int(sys.argv[2])
t11, t12, t21, calls, least = map(float, sys.argv[3:])
params = 784 * 500 + 500 * 1000 + 784 + 500 + 1000          # gradient entries, float32
size = params * 4
per_call = least / (calls / 2)                                 # two exchanges per batch; the gradient dominates
print(f"rows {rows}, batch {batch}, gradient {params:,} floats = {size / 1e6:.2f} MB per batch")
print(f"| configuration | epoch s | vs 1 × 1 |")
print(f"|---|---|---|")
for name, t in [("1 process × 1 thread", t11), ("1 process × 2 threads", t12), ("2 processes × 1 thread", t21)]:
    print(f"| {name} | {t:.1f} | {t11 / t:.2f}× |")
print(f"2 processes: least time in exchanges {least:.2f} s = {least / t21:.1%} of the epoch; {per_call * 1e3:.2f} ms per batch "
      f"({size / per_call / 1e9:.2f} GB/s for the gradient)")
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
