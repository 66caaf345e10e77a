#!/usr/bin/env bash
# The test command of the README: restore against the lock files, build in Release, run every test project.
set -euo pipefail
cd "$(dirname "$0")"
dotnet restore Vpf.Hybrid.sln --locked-mode
dotnet build Vpf.Hybrid.sln -c Release --no-restore
dotnet test Vpf.Hybrid.sln -c Release --no-build
