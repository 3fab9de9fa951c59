#!/usr/bin/env bash
# Bytes on disk per audit record: fills a fresh SQLite store (and a PostgreSQL schema when MANDATE_TEST_PG is set)
# with RECORDS issuance records through the real AuditWriter and writes where the bytes are to
# bench/results/audit-size-latest.md. See bench/README.md ("Audit record size").
#
#   bash bench/audit-size.sh                       # 100,000 records, SQLite
#   MANDATE_TEST_PG='Host=…' bash bench/audit-size.sh
#   RECORDS=20000 bash bench/audit-size.sh
set -euo pipefail

RECORDS=${RECORDS:-100000}
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH/.." && pwd)
OUT=$BENCH/results/audit-size-latest.md
DLL=$BENCH/Mandate.Bench.AuditSize/bin/Release/net10.0/Mandate.Bench.AuditSize.dll

log() { printf '[audit-size %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$REPO" status --porcelain -- src bench ':!bench/results' ':!bench/README.md' 2>/dev/null | grep -q . && echo " (uncommitted changes)" || true)

log "building Release"
dotnet build "$BENCH/Mandate.Bench.AuditSize/Mandate.Bench.AuditSize.csproj" -c Release -nologo -v quiet >/dev/null

TMP=$(mktemp -d /tmp/mandate-audit-size.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

log "SQLite, $RECORDS records"
dotnet "$DLL" sqlite "$RECORDS" "$TMP" >"$TMP/sqlite.md"
if [[ -n "${MANDATE_TEST_PG:-}" ]]; then
    log "PostgreSQL, $RECORDS records"
    dotnet "$DLL" postgres "$RECORDS" "$MANDATE_TEST_PG" >"$TMP/postgres.md"
fi

{
    echo "# Audit record size — latest run"
    echo
    echo "- commit: \`$COMMIT\`$DIRTY, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- \`bash bench/audit-size.sh\` with RECORDS=$RECORDS; target: ≤ 600 bytes per issuance record on disk"
    echo
    cat "$TMP/sqlite.md"
    [[ -f "$TMP/postgres.md" ]] && { echo; cat "$TMP/postgres.md"; }
} >"$OUT"
log "wrote $OUT"
cat "$OUT"
