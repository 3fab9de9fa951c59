#!/usr/bin/env bash
# MCP gateway overhead: latency per tools/call direct to an MCP server vs through Mandate's MCP gateway, measured
# by one client in the same run, in interleaved rounds. See bench/README.md ("MCP gateway overhead").
#
#   bash bench/mcp.sh                           # 5 rounds x 2000 calls, at concurrency 1 and 16
#   ROUNDS=9 CALLS=5000 CONCURRENCY="1 4 64" bash bench/mcp.sh
set -euo pipefail

ROUNDS=${ROUNDS:-5}
CALLS=${CALLS:-2000}
CONCURRENCY=${CONCURRENCY:-"1 16"}

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH/.." && pwd)
OUT=$BENCH/results/mcp-latest.md
DLL=$BENCH/Mandate.Bench.Mcp/bin/Release/net10.0/Mandate.Bench.Mcp.dll

log() { printf '[mcp-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$REPO" status --porcelain -- src bench ':!bench/results' ':!bench/README.md' 2>/dev/null | grep -q . && echo " (uncommitted changes)" || true)

log "building Release"
dotnet build "$BENCH/Mandate.Bench.Mcp/Mandate.Bench.Mcp.csproj" -c Release -nologo -v quiet >/dev/null

TMP=$(mktemp -d /tmp/mandate-mcp-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

LOAD_BEFORE=$(loadavg)
for c in $CONCURRENCY; do
    log "concurrency $c"
    dotnet "$DLL" "$ROUNDS" "$CALLS" "$c" "$TMP/c$c.md" >/dev/null
done
LOAD_AFTER=$(loadavg)

{
    echo "# MCP gateway overhead — latest run"
    echo
    echo "- commit: \`$COMMIT\`$DIRTY, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- machine: $(nproc) cores, $(uname -sr), .NET $(dotnet --version); load average (1/5/15 min) $LOAD_BEFORE before, $LOAD_AFTER after"
    echo "- $ROUNDS interleaved rounds x $CALLS calls per target, after a warm-up of $CALLS calls each; a fresh broker and MCP server per concurrency"
    echo "- call: a 2026-07-28 \`tools/call\` of \`lookup_order\` as a raw POST (MCP-Protocol-Version, Mcp-Method, Mcp-Name), full answer read and"
    echo "  checked to be the tool's result; MCP server: C# MCP SDK, stateless streamable HTTP, checking no credential"
    echo "- through the gateway: kind jwt tool, credential verified (ES256), revocation checked, body and headers checked, per-call"
    echo "  policy from an \`mcp:\` allow rule, a cached fresh Mandate credential injected upstream, answer scrubbed, one durable"
    echo "  \`mcp_call\` audit record per call"
    echo
    for c in $CONCURRENCY; do
        echo "## Concurrency $c"
        echo
        cat "$TMP/c$c.md"
        echo
    done
} > "$OUT"

log "wrote $OUT"
cat "$OUT"
