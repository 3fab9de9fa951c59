#!/usr/bin/env bash
# Egress proxy overhead: latency per call direct to an upstream vs through Mandate's egress proxy, measured
# by one client in the same run, in interleaved rounds. See bench/README.md ("Egress proxy overhead").
#
#   bash bench/proxy.sh                         # 5 rounds x 2000 calls, at concurrency 1 and 16
#   ROUNDS=9 CALLS=5000 CONCURRENCY="1 4 64" bash bench/proxy.sh
set -euo pipefail

ROUNDS=${ROUNDS:-5}
CALLS=${CALLS:-2000}
CONCURRENCY=${CONCURRENCY:-"1 16"}

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH/.." && pwd)
OUT=$BENCH/results/proxy-latest.md
DLL=$BENCH/Mandate.Bench.Proxy/bin/Release/net10.0/Mandate.Bench.Proxy.dll

log() { printf '[proxy-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$REPO" status --porcelain -- src bench ':!bench/results' ':!bench/README.md' 2>/dev/null | grep -q . && echo " (uncommitted changes)" || true)

# The runtime setting the container image ships (Dockerfile, docs/deployment.md), as bench/run.sh uses it.
export DOTNET_GCgen0size=${GC_GEN0_SIZE:-0x1000000}

log "building Release"
dotnet build "$BENCH/Mandate.Bench.Proxy/Mandate.Bench.Proxy.csproj" -c Release -nologo -v quiet >/dev/null

TMP=$(mktemp -d /tmp/mandate-proxy-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

{
    echo "# Egress proxy overhead — latest run"
    echo
    echo "- commit: \`$COMMIT\`$DIRTY, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- machine: $(nproc) cores, $(uname -sr), .NET $(dotnet --version), DOTNET_GCgen0size=$DOTNET_GCgen0size"
    echo "- $ROUNDS interleaved rounds x $CALLS calls per target, after a warm-up of $CALLS calls each"
    echo "- upstream: a Kestrel endpoint answering a 46-byte JSON body; proxied calls: kind secret tool, allow-listed GET,"
    echo "  credential verified (ES256), revocation checked, secret injected, response scrubbed, one durable audit record per call"
    echo
} > "$OUT"

for c in $CONCURRENCY; do
    log "concurrency $c"
    dotnet "$DLL" "$ROUNDS" "$CALLS" "$c" "$TMP/c$c.md" >/dev/null
    { echo "## Concurrency $c"; echo; cat "$TMP/c$c.md"; echo; } >> "$OUT"
done

log "wrote $OUT"
cat "$OUT"
