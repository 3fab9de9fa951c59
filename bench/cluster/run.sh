#!/usr/bin/env bash
# Cluster bench: a private PostgreSQL and broker nodes (`mandate serve`, Release build) on loopback, sharing one
# schema. Three parts, each on a fresh schema, results in bench/results/cluster-latest.md. See bench/README.md.
#
#   (a) propagation: REVOCATIONS times, exchange on node A, revoke (RFC 7009) on node B, poll introspection on
#       node C until it answers inactive; p50/p99/max of revocation acknowledged -> inactive on C.
#   (b) throughput: one node on PostgreSQL against one node on SQLite, interleaved wrk rounds as bench/run.sh;
#       exchanges/s and requests per CPU-second (of the broker, and of the broker plus PostgreSQL).
#   (c) crash: clients spread over three nodes; node A is killed with SIGKILL KILLS times under load and started
#       again; every credential a client received must have its issuance record; `mandate audit verify` passes.
#   (d) outage: PostgreSQL stopped under two nodes (what they answer), started again (how long until they issue).
#
#   bash bench/cluster/run.sh
#   PARTS="propagation" REVOCATIONS=2000 bash bench/cluster/run.sh
#   DRY_RUN=1 bash bench/cluster/run.sh     # no PostgreSQL: every part on one SQLite node (checks the script)
#
# Knobs: PARTS ("propagation throughput crash outage"), REVOCATIONS (1000), DURATION (10s), CONNECTIONS (64), ROUNDS (3),
# WARMUP (15s), THREADS (2), KILLS (20), CLIENTS (8), MIN_UP / MAX_UP (300 / 3000 ms), SEED, KEEP=1 (keep files),
# READY_PATH (/healthz), DRY_RUN (0).
set -euo pipefail

PARTS=${PARTS:-propagation throughput crash outage}
REVOCATIONS=${REVOCATIONS:-1000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-15s}
THREADS=${THREADS:-2}
KILLS=${KILLS:-20}
CLIENTS=${CLIENTS:-8}
MIN_UP=${MIN_UP:-300}
MAX_UP=${MAX_UP:-3000}
SEED=${SEED:-$(od -An -tu2 -N2 /dev/urandom | tr -d ' ')}
READY_PATH=${READY_PATH:-/healthz}
DRY_RUN=${DRY_RUN:-0}
PG_AUDIT_TABLE=${PG_AUDIT_TABLE:-audit}
RANDOM=$SEED

CLUSTER=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH=$(cd "$CLUSTER/.." && pwd)
REPO=$(cd "$BENCH/.." && pwd)
RESULTS=$BENCH/results
MANDATE=$REPO/src/Mandate.Cli/bin/Release/net10.0/mandate
DRIVER=$BENCH/Mandate.Bench.Cluster/bin/Release/net10.0/Mandate.Bench.Cluster

# The quickstart's identities, as bench/run.sh uses them; the refunds tool introspects and revokes.
AGENT=spiffe://acme.example/agents/support
USER_SUB=alice
TENANT=acme
RESOURCE=https://refunds.acme.example
SCOPE=refunds:write
TOOL_ID=spiffe://acme.example/tools/refunds

log() { printf '[cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

for tool in curl jq wrk; do
    command -v "$tool" >/dev/null || die "$tool is required"
done
CLK_TCK=$(getconf CLK_TCK)
COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$REPO" status --porcelain -- src bench ':!bench/results' ':!bench/README.md' 2>/dev/null | grep -q . && echo " (uncommitted changes)" || true)

log "building Release (broker CLI and cluster driver)"
dotnet build "$REPO/src/Mandate.Cli/Mandate.Cli.csproj" -c Release -nologo -v quiet >/dev/null || die "build of src/Mandate.Cli failed"
dotnet build "$BENCH/Mandate.Bench.Cluster/Mandate.Bench.Cluster.csproj" -c Release -nologo -v quiet >/dev/null || die "build of bench/Mandate.Bench.Cluster failed"
[[ -x $MANDATE && -x $DRIVER ]] || die "built binaries not found at $MANDATE and $DRIVER"

WORK=$(mktemp -d /tmp/mandate-cluster.XXXXXX)
CLIENT_PIDS=()
cleanup() {
    touch "$WORK/stop" 2>/dev/null || true
    for pid in "${CLIENT_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${CLIENT_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    stop_all_nodes
    [[ $DRY_RUN == 1 ]] || stop_test_postgres
    [[ ${KEEP:-0} == 1 ]] && log "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=../lib.sh
source "$BENCH/lib.sh"
# shellcheck source=nodes.sh
source "$CLUSTER/nodes.sh"

if [[ $DRY_RUN == 1 ]]; then
    STORE=sqlite
    log "DRY_RUN: no PostgreSQL; every part runs on SQLite nodes (propagation on one node playing A, B and C)"
else
    STORE=postgres
    start_bench_postgres
    export MANDATE_BENCH_PG=$MANDATE_TEST_PG
    # All nodes of a cluster share the key-encryption key; it comes from the environment, never a file per node.
    MANDATE_KEK=$(head -c 32 /dev/urandom | base64)
    export MANDATE_KEK
fi
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
START=$(date +%s)

# A cluster of the named nodes on a fresh schema; the first node creates the schema, the others join it.
start_cluster() { # part schema names...
    local part=$1 schema=$2 first="" name issuer
    shift 2
    issuer=""
    for name in "$@"; do
        local port
        port=$(free_port)
        issuer=${issuer:-http://127.0.0.1:$port}
        write_node_config "$name" "$STORE" "$WORK/$part/$name" "http://127.0.0.1:$port" "$issuer" "$schema"
        if [[ -n $first ]]; then
            share_dev_issuers "$first" "$name"
        fi
        start_node "$name"
        expect_store "$name" "$STORE"
        first=${first:-$name}
    done
    mint_tokens "${NODE_CONFIG[$first]}" "$WORK/$part"
    for name in "$@"; do
        exchange_once "${NODE_URL[$name]}" "$WORK/$part/body.form" "$WORK/$part/first-$name.json"
    done
    log "$part: nodes $* ready on $STORE${schema:+ schema $schema}; each answered an exchange"
}

# shellcheck source=parts.sh
source "$CLUSTER/parts.sh"

for part in $PARTS; do
    case $part in
        propagation) part_propagation ;;
        throughput) part_throughput ;;
        crash) part_crash ;;
        outage) part_outage ;;
        *) die "unknown part '$part' (propagation, throughput, crash, outage)" ;;
    esac
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# shellcheck source=report.sh
source "$CLUSTER/report.sh"
write_report
[[ ${FAILED:-0} == 0 ]] || die "at least one part failed (see $RESULT_FILE)"
log "wrote ${RESULT_FILE#"$REPO"/}"
