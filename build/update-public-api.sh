#!/usr/bin/env bash
# Rewrites PublicAPI.Unshipped.txt of the packed libraries (Vpf.Kernels, Vpf.Core, Vpf.Onnx, Vpf.ML, Vpf.Distributed) from what the public API analyzer reports:
# symbols added to the code (RS0016) are appended, symbols gone from the code (RS0017) are removed. Review the diff:
# it is the change to the libraries' public surface. Move the lines to PublicAPI.Shipped.txt when a version ships.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in Vpf.Kernels Vpf.Core Vpf.Onnx Vpf.ML Vpf.Distributed; do
  dir="src/$project"
  for f in PublicAPI.Shipped.txt PublicAPI.Unshipped.txt; do
    [ -f "$dir/$f" ] || printf '#nullable enable\n' > "$dir/$f"
  done
  for round in 1 2 3; do
    log=$(dotnet build "$dir" -c Release --no-dependencies --no-incremental -p:TreatWarningsAsErrors=false 2>&1 || true)
    added=$(grep -E "RS0016|RS0037" <<<"$log" | grep -F "$dir/" | sed -nE "s/.*Symbol '(.*)' is not part of the declared public API.*/\1/p" | sort -u || true)
    removed=$(grep -E "RS0017" <<<"$log" | grep -F "$dir/" | sed -nE "s/.*Symbol '(.*)' is part of the declared API, but is either not public or could not be found.*/\1/p" | sort -u || true)
    [ -z "$added$removed" ] && break
    if [ -n "$removed" ]; then
      for f in PublicAPI.Shipped.txt PublicAPI.Unshipped.txt; do
        grep -vxF -f <(printf '%s\n' "$removed") "$dir/$f" > "$dir/$f.tmp" || true
        mv "$dir/$f.tmp" "$dir/$f"
      done
    fi
    [ -n "$added" ] && printf '%s\n' "$added" >> "$dir/PublicAPI.Unshipped.txt"
    { head -n 1 "$dir/PublicAPI.Unshipped.txt"; tail -n +2 "$dir/PublicAPI.Unshipped.txt" | sort -u; } > "$dir/PublicAPI.Unshipped.txt.tmp"
    mv "$dir/PublicAPI.Unshipped.txt.tmp" "$dir/PublicAPI.Unshipped.txt"
  done
  echo "$project: $(($(wc -l < "$dir/PublicAPI.Shipped.txt") - 1)) shipped, $(($(wc -l < "$dir/PublicAPI.Unshipped.txt") - 1)) unshipped symbols"
done
