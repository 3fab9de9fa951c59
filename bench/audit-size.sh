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

die() { echo "audit-size: $*" >&2; exit 1; }
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"
log() { printf '[audit-size %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

REVISION=$(revision "$REPO")
log "building Release"
release_build "$BENCH/Mandate.Bench.AuditSize/Mandate.Bench.AuditSize.csproj"
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
    echo "- commit: $REVISION, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- \`bash bench/audit-size.sh\` with RECORDS=$RECORDS; target: ≤ 600 bytes per issuance record on disk"
    echo
    cat "$TMP/sqlite.md"
    [[ -f "$TMP/postgres.md" ]] && { echo; cat "$TMP/postgres.md"; }
} >"$OUT"
log "wrote $OUT"
cat "$OUT"
