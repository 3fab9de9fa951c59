#!/usr/bin/env bash
# Two builds of the broker loaded at the same time, for changes too small for `bench/run.sh` to tell apart: on a
# shared machine throughput moves ±5 % between runs a minute apart, but two servers loaded at once share every
# disturbance. Each round reports the server CPU per exchange of both and their ratio (below 1: B costs less).
# The server started second has read 1-3 % more CPU per exchange whichever build it was, so the script runs twice,
# A started first and then B started first, and ends with the geometric mean of every round's B/A.
#
#   bash bench/side-by-side.sh A_DIR B_DIR      # each a folder holding a built `mandate` (e.g. `dotnet build
#                                               # src/Mandate.Cli -c Release -o /tmp/a` on each commit)
#   bash bench/side-by-side.sh floor floor+audit   # the crypto floor (bench/Mandate.Bench.Bare) without and with
#                                               # one group-committed SQLite row: what a durable row costs here
#
# Either side may be `floor` or `floor+audit`; their tokens come from the repository's Release build of mandate.
#
# Knobs: ROUNDS per order (4), DURATION per round (15s), WARMUP (30s), CONNECTIONS per server (32). The data folders are
# temporary and deleted on exit.
set -euo pipefail

die() { echo "side-by-side: $*" >&2; exit 1; }
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
is_floor() { [[ $1 == floor || $1 == floor+audit ]]; }
usage="usage: bash bench/side-by-side.sh A B, each a folder holding a built mandate, floor or floor+audit"
[[ $# == 2 ]] || die "$usage"
MANDATE=$HERE/../src/Mandate.Cli/bin/Release/net10.0/mandate
BARE=$HERE/Mandate.Bench.Bare/bin/Release/net10.0/Mandate.Bench.Bare
for side in "$1" "$2"; do
    if is_floor "$side"; then
        [[ -x $BARE ]] || release_build "$HERE/Mandate.Bench.Bare/Mandate.Bench.Bare.csproj"
        [[ -x $MANDATE ]] || release_build "$HERE/../src/Mandate.Cli/Mandate.Cli.csproj"
    else
        [[ -x $side/mandate ]] || die "$usage ($side holds no mandate)"
    fi
done
command -v wrk >/dev/null || die "wrk is not installed; run: sudo apt-get install -y wrk"
ROUNDS=${ROUNDS:-4} DURATION=${DURATION:-15s} WARMUP=${WARMUP:-30s} CONNECTIONS=${CONNECTIONS:-32}
export DOTNET_GCgen0size=0x1000000   # as bench/run.sh and the container image

WORK=$(mktemp -d)
PIDS=()
stop_all() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done; PIDS=(); }
trap 'stop_all; rm -rf "$WORK"' EXIT

# start NAME DIR: a broker from DIR (or the floor, for `floor` and `floor+audit`) with the quickstart configuration in
# its own data folder; leaves $WORK/NAME/post.lua.
start() {
    local name=$1 mandate=$2/mandate port url dir=$WORK/$1
    is_floor "$2" && mandate=$MANDATE
    port=$(free_port)
    url=http://127.0.0.1:$port
    rm -rf "$dir"
    mkdir -p "$dir/cwd"
    cp "$HERE/../examples/quickstart/policy.yaml" "$dir/policy.yaml"
    sed -e "s#^issuer: .*#issuer: $url#" -e "s#^listen: .*#listen: $url#" -e "s#\.\./\.\./\.mandate/quickstart#$dir/data#g" \
        "$HERE/../examples/quickstart/mandate.yaml" >"$dir/mandate.yaml"
    printf '\nidentity_cache:\n  max_entries: 0\n' >>"$dir/mandate.yaml"
    local actor user
    if is_floor "$2"; then
        # The tokens first: making them writes the dev issuers' keys the floor verifies with.
        tokens "$dir"
        local audit=()
        [[ $2 == floor+audit ]] && audit=(--AuditDb "$dir/audit.db")
        (cd "$dir/cwd" && exec "$BARE" --Listen "$url" --Audience "$url" "${audit[@]}" \
            --WorkloadIssuer https://spire.acme.example --WorkloadJwks "$dir/data/dev-issuers/workloads.jwks.json" \
            --UserIssuer https://idp.acme.example --UserJwks "$dir/data/dev-issuers/acme-idp.jwks.json") >"$dir/log" 2>&1 &
    else
        (cd "$dir/cwd" && exec "$mandate" serve --config "$dir/mandate.yaml" --listen "$url") >"$dir/log" 2>&1 &
    fi
    PIDS+=($!)
    echo $! >"$dir/pid"
    for _ in $(seq 1 120); do curl -fsS -o /dev/null "$url/healthz" 2>/dev/null && break; sleep 0.25; done
    curl -fsS -o /dev/null "$url/healthz" || die "$name did not start ($dir/log)"
    is_floor "$2" || tokens "$dir"
    local body="grant_type=$(urlencode urn:ietf:params:oauth:grant-type:token-exchange)&subject_token=$user&subject_token_type=$(urlencode urn:ietf:params:oauth:token-type:jwt)&actor_token=$actor&actor_token_type=$(urlencode urn:ietf:params:oauth:token-type:jwt)&resource=$(urlencode https://refunds.acme.example)&scope=$(urlencode refunds:write)"
    printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\nwrk.body = "%s"\n' "$body" >"$dir/post.lua"
    echo "$url" >"$dir/url"
    # A side that refuses the request would be measuring its error path.
    local status
    status=$(curl -sS -o "$dir/first.json" -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$body" "$url/oauth2/token")
    [[ $status == 200 ]] || die "$name answered $status to the first exchange: $(head -c 300 "$dir/first.json")"
}

# tokens DIR: the actor and user tokens from DIR's dev issuers, into the caller's actor and user.
tokens() {
    actor=$("$mandate" dev token --config "$1/mandate.yaml" --issuer workloads --sub spiffe://acme.example/agents/support --ttl 1h | tr -d '\n')
    user=$("$mandate" dev token --config "$1/mandate.yaml" --issuer acme-idp --sub alice --tenant acme --ttl 1h | tr -d '\n')
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$(cat "$WORK/$1/pid")/stat"; }
load() { wrk -t1 -c"$CONNECTIONS" -d"$2" -s "$WORK/$1/post.lua" "$(cat "$WORK/$1/url")/oauth2/token"; }

# pass FIRST: starts both servers (the one named FIRST first), warms them, prints ROUNDS rounds of B/A, stops both.
pass() {
    if [[ $1 == a ]]; then start a "$A"; start b "$B"; else start b "$B"; start a "$A"; fi
    # Waits name the load's pid: a bare `wait` would also wait for the brokers.
    load a "$WARMUP" >/dev/null & first=$!; load b "$WARMUP" >/dev/null; wait "$first"
    for round in $(seq 1 "$ROUNDS"); do
        a0=$(cpu_ticks a) b0=$(cpu_ticks b)
        # Which load starts first alternates too.
        if ((round % 2)); then
            load a "$DURATION" >"$WORK/a.out" & first=$!; load b "$DURATION" >"$WORK/b.out"; wait "$first"
        else
            load b "$DURATION" >"$WORK/b.out" & first=$!; load a "$DURATION" >"$WORK/a.out"; wait "$first"
        fi
        a1=$(cpu_ticks a) b1=$(cpu_ticks b)
        na=$(awk '/requests in/ { print $1 }' "$WORK/a.out") nb=$(awk '/requests in/ { print $1 }' "$WORK/b.out")
        # Clock ticks are 1/100 s: µs per exchange = ticks × 10,000 / exchanges.
        awk -v r="$round" -v o="$1" -v a=$((a1 - a0)) -v b=$((b1 - b0)) -v na="$na" -v nb="$nb" \
            'BEGIN { ua = a * 10000 / na; ub = b * 10000 / nb; printf "%s first, %d | %.1f (%d) | %.1f (%d) | %.3f\n", toupper(o), r, ua, na, ub, nb, ub / ua }' |
            tee -a "$WORK/rounds"
    done
    stop_all
}

A=$1 B=$2
echo "order, round | A CPU µs per exchange | B CPU µs per exchange | B/A"
pass a
pass b
awk -F'|' '{ s += log($4); n++ } END { printf "geometric mean of B/A over %d rounds, both orders: %.3f\n", n, exp(s / n) }' "$WORK/rounds"
