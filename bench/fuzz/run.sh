#!/usr/bin/env bash
# Fuzz every client-facing parser and the broker with 1,000,000 structure-aware hostile inputs and write
# the summary to bench/results/fuzz.md. See bench/README.md.
#
#   bash bench/fuzz/run.sh                       # 1,000,000 inputs, a fresh random seed
#   bash bench/fuzz/run.sh --seed 12345          # the same inputs as an earlier run
#   bash bench/fuzz/run.sh --inputs 50000 --targets form,http
#
# Exit code 1 when any oracle failed (the findings are in the summary and on stdout).
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO=$(cd "$BENCH/.." && pwd)

dotnet build "$BENCH/fuzz/Mandate.Bench.Fuzz.csproj" -c Release -v quiet -nologo
dotnet "$BENCH/fuzz/bin/Release/net10.0/Mandate.Bench.Fuzz.dll" --out "$BENCH/results/fuzz.md" "$@"
