#!/usr/bin/env bash
# Runs the files of deploy/ (mandate.yaml, policy.yaml, nginx.conf) as compose.yaml wires them, but as local
# processes instead of containers, for machines without a Docker daemon: a private PostgreSQL, two
# `mandate serve` nodes (Release build) named by MANDATE_NODE, their shared dev-issuers folder (the compose
# volume), and nginx with deploy/nginx.conf. Checks: an exchange through the balancer, revocation through it, the
# compose health check against a node, failover when one node stops, 503 (not 502) through the balancer while
# PostgreSQL is down, and recovery. Needs PostgreSQL's server binaries, nginx, curl and jq.
#
#   bash deploy/smoke-without-docker.sh
#   MANDATE_BIN=/path/to/published/mandate bash deploy/smoke-without-docker.sh
set -euo pipefail

DEPLOY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$DEPLOY/.." && pwd)
# MANDATE_BIN: a `mandate` built elsewhere (e.g. the output of the Dockerfile's `dotnet publish`); default: build
# src/Mandate.Cli in Release.
MANDATE=${MANDATE_BIN:-$REPO/src/Mandate.Cli/bin/Release/net10.0/mandate}

log() { printf '[smoke %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
for tool in curl jq nginx; do command -v "$tool" >/dev/null || die "$tool is required"; done

# shellcheck source=../bench/lib.sh
source "$REPO/bench/lib.sh"
WORK=$(mktemp -d /tmp/mandate-smoke.XXXXXX)
declare -A NODE_PID NODE_URL NODE_CONFIG NODE_DIR NODE_STARTS
READY_PATH=/healthz
# shellcheck source=../bench/cluster/nodes.sh
source "$REPO/bench/cluster/nodes.sh"
NGINX_PID=""
cleanup() {
    [[ -z $NGINX_PID ]] || kill "$NGINX_PID" 2>/dev/null || true
    stop_all_nodes
    stop_test_postgres
    [[ ${KEEP:-0} == 1 ]] && log "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -z ${MANDATE_BIN:-} ]]; then
    log "building the broker CLI (Release)"
    dotnet build "$REPO/src/Mandate.Cli/Mandate.Cli.csproj" -c Release -nologo -v quiet >/dev/null || die "build failed"
fi
[[ -x $MANDATE ]] || die "no mandate binary at $MANDATE"
start_bench_postgres
export MANDATE_PG=$MANDATE_TEST_PG
MANDATE_KEK=$(head -c 32 /dev/urandom | base64)
export MANDATE_KEK

# The containers' paths, mapped to local folders: /etc/mandate -> $WORK/etc, /var/lib/mandate -> one per node,
# /var/lib/mandate/dev-issuers -> one shared folder (a symlink plays the nested volume).
mkdir -p "$WORK/etc" "$WORK/dev-issuers"
cp "$DEPLOY/policy.yaml" "$WORK/etc/policy.yaml"
LB_PORT=$(free_port)
for node in mandate-1 mandate-2; do
    port=$(free_port)
    dir=$WORK/$node
    mkdir -p "$dir/cwd" "$dir/data"
    ln -s "$WORK/dev-issuers" "$dir/data/dev-issuers"
    sed -e "s#/var/lib/mandate#$dir/data#g" "$DEPLOY/mandate.yaml" >"$dir/mandate.yaml"
    cp "$WORK/etc/policy.yaml" "$dir/policy.yaml"
    NODE_DIR[$node]=$dir
    NODE_URL[$node]=http://127.0.0.1:$port
    NODE_CONFIG[$node]=$dir/mandate.yaml
    NODE_STARTS[$node]=0
done

start_smoke_node() { # name
    local name=$1
    NODE_STARTS[$name]=$((NODE_STARTS[$name] + 1))
    (cd "${NODE_DIR[$name]}/cwd" && MANDATE_NODE=$name exec "$MANDATE" serve --config "${NODE_CONFIG[$name]}" \
        --listen "${NODE_URL[$name]}") >"${NODE_DIR[$name]}/node-${NODE_STARTS[$name]}.log" 2>&1 &
    NODE_PID[$name]=$!
    wait_node "$name" "${NODE_DIR[$name]}/node-${NODE_STARTS[$name]}.log"
    expect_store "$name" postgres
    grep -q "^  node  *$name\$" "${NODE_DIR[$name]}/node-${NODE_STARTS[$name]}.log" || die "$name did not take its name from MANDATE_NODE"
}
# As compose: mandate-2 after mandate-1 is healthy (the first creates the schema and the development issuers' keys).
start_smoke_node mandate-1
start_smoke_node mandate-2
log "both nodes up on PostgreSQL, named by MANDATE_NODE"

# The compose health check, verbatim, against mandate-1.
port1=${NODE_URL[mandate-1]##*:}
bash -c "exec 3<>/dev/tcp/127.0.0.1/$port1 && printf 'GET /healthz HTTP/1.1\r\nHost: node\r\nConnection: close\r\n\r\n' >&3 && head -n 1 <&3 | grep -q ' 200 '" \
    || die "the compose health check failed against mandate-1"
log "the compose health check passes"

# deploy/nginx.conf with the service names and ports of this machine.
sed -e "s#server mandate-1:8080#server 127.0.0.1:$port1#" \
    -e "s#server mandate-2:8080#server 127.0.0.1:${NODE_URL[mandate-2]##*:}#" \
    -e "s#listen 8080;#listen 127.0.0.1:$LB_PORT;#" \
    -e "1i pid $WORK/nginx.pid;\nerror_log $WORK/nginx-error.log;" \
    "$DEPLOY/nginx.conf" >"$WORK/nginx.conf"
nginx -t -c "$WORK/nginx.conf" -p "$WORK" 2>"$WORK/nginx-test.log" || { cat "$WORK/nginx-test.log" >&2; die "nginx rejects deploy/nginx.conf"; }
nginx -c "$WORK/nginx.conf" -p "$WORK" -g 'daemon off;' &
NGINX_PID=$!
LB=http://127.0.0.1:$LB_PORT
for _ in $(seq 1 50); do curl -fsS -o /dev/null "$LB/healthz" 2>/dev/null && break; sleep 0.1; done

# Tokens as compose's `docker compose exec mandate-1 mandate dev token ...` would make them.
AGENT=spiffe://acme.example/agents/support USER_SUB=alice TENANT=acme RESOURCE=https://refunds.acme.example
SCOPE=refunds:write TOOL_ID=spiffe://acme.example/tools/refunds
mint_tokens "${NODE_CONFIG[mandate-1]}" "$WORK"

status_of() { # path [curl args...]
    local path=$1
    shift
    curl -sS -o "$WORK/last.json" -w '%{http_code}' "$@" "$LB$path"
}
exchange() { status_of /oauth2/token -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$WORK/body.form"; }
introspect() { status_of /oauth2/introspect -H "Authorization: Bearer $(<"$WORK/tool.jwt")" --data-urlencode "token=$1" >/dev/null; jq -r .active "$WORK/last.json"; }

declare -A SEEN
for i in $(seq 1 6); do
    [[ $(exchange) == 200 ]] || { cat "$WORK/last.json" >&2; die "exchange $i through nginx"; }
    token=$(jq -r .access_token "$WORK/last.json")
    node=$(jq -r '.event.node // empty' < <("$MANDATE" audit query --config "${NODE_CONFIG[mandate-1]}" --jti "$(jq -rR 'split(".")[1] | gsub("-"; "+") | gsub("_"; "/") | @base64d | fromjson | .jti' <<<"$token")" --json))
    SEEN[$node]=1
done
log "6 exchanges through nginx: 200, issued by ${!SEEN[*]}"
[[ $(introspect "$token") == true ]] || die "introspection through nginx: not active"
[[ $(status_of /oauth2/revoke -H "Authorization: Bearer $(<"$WORK/tool.jwt")" --data-urlencode "token=$token") == 200 ]] || die "revocation through nginx"
[[ $(introspect "$token") == false ]] || die "still active after revocation through nginx"
log "introspection, revocation (RFC 7009) and introspection again through nginx: active, 200, inactive"

stop_node mandate-1
for i in 1 2 3 4; do [[ $(exchange) == 200 ]] || { cat "$WORK/last.json" >&2; die "exchange with mandate-1 stopped"; }; done
log "mandate-1 stopped: 4 of 4 exchanges through nginx answered 200 (by mandate-2)"
start_smoke_node mandate-1

pg_ctl_bench stop || die "could not stop PostgreSQL"
code=$(exchange)
log "PostgreSQL stopped: an exchange through nginx answers $code $(jq -r '.error + " " + (.check_id // "")' "$WORK/last.json" 2>/dev/null)"
[[ $code == 503 ]] || die "expected 503 through nginx while PostgreSQL is down, got $code"
pg_ctl_bench start || die "could not start PostgreSQL again"
t0=$(date +%s%N)
until [[ $(exchange) == 200 ]]; do
    (($(date +%s%N) - t0 < 120000000000)) || die "no 200 through nginx 120 s after PostgreSQL came back"
    sleep 0.1
done
log "PostgreSQL back: 200 through nginx after $((($(date +%s%N) - t0) / 1000000)) ms, no node restarted"
"$MANDATE" audit verify --config "${NODE_CONFIG[mandate-2]}" >&2 || die "mandate audit verify"
log "passed"
