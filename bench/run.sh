#!/usr/bin/env bash
# Load benchmark: the full token exchange (policy + group-committed SQLite audit) against the crypto
# floor (verify two ES256 JWTs, sign one) and the floor plus one group-committed SQLite audit row
# ("bare + audit"), interleaved, at the same concurrency, then the same unloaded (one connection). Every request carries the
# same actor and user token: the broker runs with identity_cache off (both signatures verified on every
# request, as the floor does), and a second broker with it on measures repeated identities. See bench/README.md.
#
#   bash bench/run.sh                      # 3 rounds x (broker, cached, bare, bare+audit: 10s each) at 64 connections,
#                                          # then 3 rounds x (broker, bare, bare+audit: 10s each) at 1 connection
#   ROUNDS=5 DURATION=20s CONNECTIONS=128 bash bench/run.sh
#
# Knobs: DURATION (10s), CONNECTIONS (64), ROUNDS (3), THREADS (wrk threads, 2), UNLOADED (10s per unloaded
# run; 0 skips them), WARMUP (20s per server,
# long enough for tiered JIT to settle), TARGET (0.85, the broker/bare throughput ratio to meet),
# VERIFY (1: run `mandate audit verify` on the whole chain at the end), SMOKE (e.g. 5s: only run the
# repeated-identities broker that long after the first-response checks; no report), GC_GEN0_SIZE (0x1000000,
# DOTNET_GCgen0size for every server, as the container image sets it).
set -euo pipefail

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-20s}
TARGET=${TARGET:-0.85}
FLOOR_SPREAD=${FLOOR_SPREAD:-1.2}
VERIFY=${VERIFY:-1}
UNLOADED=${UNLOADED:-10s}

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH/.." && pwd)
RESULTS=$BENCH/results
RAW=$RESULTS/raw
MANDATE=$REPO/src/Mandate.Cli/bin/Release/net10.0/mandate
BARE=$REPO/bench/Mandate.Bench.Bare/bin/Release/net10.0/Mandate.Bench.Bare

# The quickstart's identities; the first-response check fails loudly if the quickstart changes them.
AGENT=spiffe://acme.example/agents/support
USER_SUB=alice
TENANT=acme
RESOURCE=https://refunds.acme.example
SCOPE=refunds:write
WORKLOAD_ISSUER=https://spire.acme.example
USER_ISSUER=https://idp.acme.example

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# --- tools -------------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
    [[ $(id -u) == 0 ]] || die "wrk is not installed; run: sudo apt-get install -y wrk"
    log "installing wrk"
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
command -v curl >/dev/null || die "curl is required"
CLK_TCK=$(getconf CLK_TCK)

# What is measured: the commit, and whether src/ or the bench itself differ from it (results and README excluded).
COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$REPO" status --porcelain -- src bench ':!bench/results' ':!bench/README.md' 2>/dev/null | grep -q . && echo " (uncommitted changes)" || true)

log "building Release (broker CLI and bare endpoint)"
dotnet build "$REPO/src/Mandate.Cli/Mandate.Cli.csproj" -c Release -nologo -v quiet >/dev/null || die "build of src/Mandate.Cli failed"
dotnet build "$BENCH/Mandate.Bench.Bare/Mandate.Bench.Bare.csproj" -c Release -nologo -v quiet >/dev/null || die "build of bench/Mandate.Bench.Bare failed"
[[ -x $MANDATE && -x $BARE ]] || die "built binaries not found at $MANDATE and $BARE"

# --- servers -----------------------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/mandate-bench.XXXXXX)
BROKER_PID=""
CACHED_PID=""
BARE_PID=""
AUDIT_PID=""
stop_servers() {
    for pid in $BROKER_PID $CACHED_PID $BARE_PID $AUDIT_PID; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in $BROKER_PID $CACHED_PID $BARE_PID $AUDIT_PID; do
        wait "$pid" 2>/dev/null || true
    done
    BROKER_PID=""
    CACHED_PID=""
    BARE_PID=""
    AUDIT_PID=""
}
cleanup() {
    stop_servers
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=lib.sh
source "$BENCH/lib.sh"

wait_ready() { # name pid url log
    for _ in $(seq 1 120); do
        kill -0 "$2" 2>/dev/null || { cat "$4" >&2; die "$1 exited during start-up (log above)"; }
        if curl -fsS -o /dev/null "$3/healthz" 2>/dev/null; then
            return
        fi
        sleep 0.25
    done
    cat "$4" >&2
    die "$1 not ready at $3 after 30s (log above)"
}

BROKER_PORT=$(free_port)
BROKER_URL=http://127.0.0.1:$BROKER_PORT
CONFIG=$WORK/mandate.yaml
cp "$REPO/examples/quickstart/policy.yaml" "$WORK/policy.yaml"
sed -e "s#^issuer: .*#issuer: $BROKER_URL#" \
    -e "s#^listen: .*#listen: $BROKER_URL#" \
    -e "s#^environment: .*#environment: dev#" \
    -e "s#\.\./\.\./\.mandate/quickstart#$WORK/data#g" \
    "$REPO/examples/quickstart/mandate.yaml" >"$CONFIG"
grep -q "^issuer: $BROKER_URL" "$CONFIG" && grep -q "^data_dir: $WORK/data" "$CONFIG" \
    && grep -q "jwks_file: $WORK/data/dev-issuers/workloads.jwks.json" "$CONFIG" \
    || die "could not rewrite examples/quickstart/mandate.yaml into a bench config (has its layout changed?)"
# The repeated-identities broker: the same configuration with its own data_dir and the identity cache at its
# defaults; the broker row keeps it off so its per-request crypto stays the floor's.
CACHED_CONFIG=$WORK/mandate-cached.yaml
sed -e "s#$WORK/data#$WORK/data-cached#g" "$CONFIG" >"$CACHED_CONFIG"
printf '\nidentity_cache:\n  max_entries: 0\n' >>"$CONFIG"

# Every server gets the runtime setting the container image ships (Dockerfile, docs/deployment.md): a fixed
# gen0 budget. The same on all four sides, so the ratios still isolate what the broker does per request.
export DOTNET_GCgen0size=${GC_GEN0_SIZE:-0x1000000}

# Both servers run in an empty folder: the ASP.NET Core host watches its working directory recursively
# for appsettings changes, and from the repository root that is ~400 inotify watches (see README).
mkdir -p "$WORK/cwd"
log "starting mandate serve on $BROKER_URL (data in $WORK/data)"
(cd "$WORK/cwd" && exec "$MANDATE" serve --config "$CONFIG" --listen "$BROKER_URL") >"$WORK/broker.log" 2>&1 &
BROKER_PID=$!
wait_ready broker "$BROKER_PID" "$BROKER_URL" "$WORK/broker.log"

# Same dev issuers' keys and the same `issuer` (the identity tokens' audience), so both brokers accept one token pair.
CACHED_URL=http://127.0.0.1:$(free_port)
mkdir -p "$WORK/data-cached"
cp -r "$WORK/data/dev-issuers" "$WORK/data-cached/dev-issuers"
log "starting mandate serve with identity_cache on $CACHED_URL (data in $WORK/data-cached)"
(cd "$WORK/cwd" && exec "$MANDATE" serve --config "$CACHED_CONFIG" --listen "$CACHED_URL") >"$WORK/cached.log" 2>&1 &
CACHED_PID=$!
wait_ready cached "$CACHED_PID" "$CACHED_URL" "$WORK/cached.log"

# The broker wrote the dev issuers' JWKS files at start; the bare endpoint verifies with the same ones.
BARE_PORT=$(free_port)
BARE_URL=http://127.0.0.1:$BARE_PORT
log "starting the bare endpoint on $BARE_URL"
(cd "$WORK/cwd" && exec "$BARE" --Listen "$BARE_URL" --Audience "$BROKER_URL" \
    --WorkloadIssuer "$WORKLOAD_ISSUER" --WorkloadJwks "$WORK/data/dev-issuers/workloads.jwks.json" \
    --UserIssuer "$USER_ISSUER" --UserJwks "$WORK/data/dev-issuers/acme-idp.jwks.json") >"$WORK/bare.log" 2>&1 &
BARE_PID=$!
wait_ready bare "$BARE_PID" "$BARE_URL" "$WORK/bare.log"

# The same floor waiting for one group-committed, fsynced SQLite row per exchange: what a minimal durable audit costs.
AUDIT_URL=http://127.0.0.1:$(free_port)
log "starting the bare endpoint with an audit row on $AUDIT_URL"
(cd "$WORK/cwd" && exec "$BARE" --Listen "$AUDIT_URL" --Audience "$BROKER_URL" --AuditDb "$WORK/bare-audit.db" \
    --WorkloadIssuer "$WORKLOAD_ISSUER" --WorkloadJwks "$WORK/data/dev-issuers/workloads.jwks.json" \
    --UserIssuer "$USER_ISSUER" --UserJwks "$WORK/data/dev-issuers/acme-idp.jwks.json") >"$WORK/audit.log" 2>&1 &
AUDIT_PID=$!
wait_ready audit "$AUDIT_PID" "$AUDIT_URL" "$WORK/audit.log"

# --- request -----------------------------------------------------------------------------------------
# `mandate dev token` output is wrapped at 80 columns when redirected; a JWT has no newlines of its own.
ACTOR_TOKEN=$("$MANDATE" dev token --config "$CONFIG" --issuer workloads --sub "$AGENT" --ttl 1h | tr -d '\n')
USER_TOKEN=$("$MANDATE" dev token --config "$CONFIG" --issuer acme-idp --sub "$USER_SUB" --tenant "$TENANT" --ttl 1h | tr -d '\n')
[[ $ACTOR_TOKEN == *.*.* && $USER_TOKEN == *.*.* ]] || die "mandate dev token did not print JWTs"

BODY="grant_type=$(urlencode urn:ietf:params:oauth:grant-type:token-exchange)"
BODY+="&subject_token=$USER_TOKEN&subject_token_type=$(urlencode urn:ietf:params:oauth:token-type:jwt)"
BODY+="&actor_token=$ACTOR_TOKEN&actor_token_type=$(urlencode urn:ietf:params:oauth:token-type:jwt)"
BODY+="&resource=$(urlencode "$RESOURCE")&scope=$(urlencode "$SCOPE")"
printf '%s' "$BODY" >"$WORK/body.form"
cat >"$WORK/post.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "$BODY"
EOF

first_response() { # name url
    local status
    status=$(curl -sS -o "$WORK/first-$1.json" -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' \
        --data-binary "@$WORK/body.form" "$2/oauth2/token") || die "$1: request failed"
    if [[ $status != 200 ]] || ! grep -q '"access_token"' "$WORK/first-$1.json"; then
        cat "$WORK/first-$1.json" >&2
        echo >&2
        die "$1 answered HTTP $status to the exchange, not 200 with an access_token (body above)"
    fi
}
first_response broker "$BROKER_URL"
first_response cached "$CACHED_URL"
first_response bare "$BARE_URL"
first_response audit "$AUDIT_URL"
log "all four answer 200 with an access_token"

# --- measurement -------------------------------------------------------------------------------------
cpu_ticks() { # utime + stime of every thread of the process; fields 14 and 15 of /proc/PID/stat
    local stat
    stat=$(<"/proc/$1/stat")
    stat=${stat##*) }
    awk '{ print $12 + $13 }' <<<"$stat"
}

# The whole machine's CPU: "busy steal" in ticks, busy being user + nice + system time of every process (irq and
# softirq time, which no process is charged with, left out) and steal the time the hypervisor gave to others.
machine_ticks() {
    awk '$1 == "cpu" { print $2 + $3 + $4, $9; exit }' /proc/stat
}

# Latency from wrk's distribution ("  99%   12.34ms") in milliseconds.
latency_ms() { # file percentile
    awk -v p="$2%" '$1 == p {
        v = $2; u = v; gsub(/[0-9.]/, "", u); sub(/[a-z]+$/, "", v)
        if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000
        printf "%.2f", v; exit }' "$1"
}

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RAW/$STAMP"
ROWS=$WORK/rows.tsv
: >"$ROWS"
declare -A RESPONSES=([broker]=1 [cached]=1) # the first-response checks
declare -A NON2XX=([broker]=0 [cached]=0)

UROWS=$WORK/unloaded.tsv
: >"$UROWS"
measure() { # target round duration [connections]: one row in $ROWS, or in $UROWS at one connection
    local target=$1 round=$2 duration=$3 connections=${4:-$CONNECTIONS} pid url threads=$THREADS rows=$ROWS
    case $target in
        broker) pid=$BROKER_PID url=$BROKER_URL ;;
        cached) pid=$CACHED_PID url=$CACHED_URL ;;
        audit) pid=$AUDIT_PID url=$AUDIT_URL ;;
        *) pid=$BARE_PID url=$BARE_URL ;;
    esac
    if ((connections == 1)); then
        threads=1 rows=$UROWS
    fi
    local out=$RAW/$STAMP/$target-$round-c$connections.txt before after machine_before machine_after
    # No dirty pages left from the run before: their writeback would slow this target's fsyncs, not that run's.
    sync
    machine_before=$(machine_ticks)
    before=$(cpu_ticks "$pid")
    # wrk's own CPU (user and system seconds, from bash's time), so what the rest of the machine used can be told apart.
    local TIMEFORMAT='%3U %3S'
    { time wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$WORK/post.lua" "$url/oauth2/token" >"$out"; } 2>"$out.cpu" \
        || die "wrk failed against $target ($out)"
    after=$(cpu_ticks "$pid")
    machine_after=$(machine_ticks)
    kill -0 "$pid" 2>/dev/null || die "$target died during the run"

    local rps requests non2xx errors p50 p99 elapsed cpu cores per_cpu
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    requests=$(awk '/ requests in / { print $1 }' "$out")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
    non2xx=${non2xx:-0}
    errors=$(awk -F'[ ,]+' '/Socket errors:/ { print $5 + $7 + $9 + $11 }' "$out")
    errors=${errors:-0}
    p50=$(latency_ms "$out" 50)
    p99=$(latency_ms "$out" 99)
    [[ -n $rps && -n $requests && -n $p50 && -n $p99 ]] || die "could not parse wrk output $out"
    elapsed=$(awk '/ requests in / { sub(/s,$/, "", $4); print $4 }' "$out")
    cpu=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }')
    cores=$(awk -v c="$cpu" -v e="$elapsed" 'BEGIN { printf "%.2f", c / e }')
    per_cpu=$(awk -v r="$requests" -v c="$cpu" 'BEGIN { printf "%.0f", (c > 0 ? r / c : 0) }')
    # Cores that neither this server nor wrk used (the idle servers, this script, anything else running), and cores
    # the hypervisor took: a quiet machine shows ~0 for both.
    local others steal
    read -r others steal < <(awk -v b="$machine_before" -v a="$machine_after" -v hz="$CLK_TCK" -v server="$cpu" -v e="$elapsed" \
        -v w="$(tail -1 "$out.cpu")" 'BEGIN {
            split(b, x, " "); split(a, y, " "); split(w, c, " ")
            o = ((y[1] - x[1]) / hz - server - c[1] - c[2]) / e
            printf "%.2f %.2f\n", (o > 0 ? o : 0), (y[2] - x[2]) / hz / e }')
    if [[ $target == broker || $target == cached ]]; then
        RESPONSES[$target]=$((RESPONSES[$target] + requests))
        NON2XX[$target]=$((NON2XX[$target] + non2xx))
    fi
    if [[ $round != warmup ]]; then
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
            "$target" "$round" "$rps" "$p50" "$p99" "$requests" "$non2xx" "$errors" "$cpu" "$per_cpu" "$cores" "$others" "$steal" >>"$rows"
    fi
    log "$(printf '%-6s %-6s c%-3s %8s req/s  p50 %6s ms  p99 %7s ms  non-2xx %s  socket errors %s  server CPU %5s s (%s cores)  %5s req/CPU-s  others %s cores, stolen %s' \
        "$target" "$round" "$connections" "$rps" "$p50" "$p99" "$non2xx" "$errors" "$cpu" "$cores" "$per_cpu" "$others" "$steal")"
    [[ $non2xx == 0 && $errors == 0 ]] || log "WARNING: $target had $non2xx non-2xx responses and $errors socket errors ($out)"
}

if [[ -n ${SMOKE:-} ]]; then
    # A quick look at the repeated-identities broker alone; no report, no README change.
    measure cached smoke "$SMOKE"
    exit 0
fi
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "warm-up: $WARMUP each at $CONNECTIONS connections"
measure broker warmup "$WARMUP"
measure cached warmup "$WARMUP"
measure bare warmup "$WARMUP"
measure audit warmup "$WARMUP"
for round in $(seq 1 "$ROUNDS"); do
    # Rotate which target goes first, so none always follows another's GC or page-cache debris.
    case $((round % 4)) in
        1) order="broker cached bare audit" ;;
        2) order="audit broker cached bare" ;;
        3) order="bare audit broker cached" ;;
        *) order="cached bare audit broker" ;;
    esac
    for target in $order; do
        measure "$target" "$round" "$DURATION"
    done
done
if [[ $UNLOADED != 0 ]]; then
    log "unloaded: $UNLOADED each at 1 connection"
    for round in $(seq 1 "$ROUNDS"); do
        case $((round % 3)) in
            1) order="broker bare audit" ;;
            2) order="audit broker bare" ;;
            *) order="bare audit broker" ;;
        esac
        for target in $order; do
            measure "$target" "$round" "$UNLOADED" 1
        done
    done
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- durability check --------------------------------------------------------------------------------
# Every 2xx from a broker is a credential whose issuance record was committed before the response.
issued_in() { # data dir, config
    if command -v sqlite3 >/dev/null; then
        sqlite3 -readonly "$1/mandate.db" "SELECT count(*) FROM audit JOIN audit_shapes s ON s.id = audit.shape WHERE s.kind = 'issuance';"
    else
        "$MANDATE" audit query --config "$2" --kind issuance --limit 100000000 --json | tr -d '\n' | grep -o '{"seq":' | wc -l
    fi
}
BROKER_OK=$((RESPONSES[broker] - NON2XX[broker]))
CACHED_OK=$((RESPONSES[cached] - NON2XX[cached]))
ISSUED=$(issued_in "$WORK/data" "$CONFIG")
CACHED_ISSUED=$(issued_in "$WORK/data-cached" "$CACHED_CONFIG")
log "2xx responses seen by wrk and curl: broker $BROKER_OK, cached $CACHED_OK; issuance records: $ISSUED and $CACHED_ISSUED"
((ISSUED >= BROKER_OK)) || die "only $ISSUED issuance records for $BROKER_OK issued credentials: audit is not durable"
((CACHED_ISSUED >= CACHED_OK)) || die "only $CACHED_ISSUED issuance records for $CACHED_OK credentials of the cached broker: audit is not durable"
VERIFIED="not run (VERIFY=0)"
if [[ $VERIFY == 1 ]]; then
    stop_servers # the chain is read by the CLI straight from the file
    VERIFIED=$("$MANDATE" audit verify --config "$CONFIG" | sed -n 1p) || die "audit verify failed: $VERIFIED"
    CACHED_VERIFIED=$("$MANDATE" audit verify --config "$CACHED_CONFIG" | sed -n 1p) || die "audit verify (cached) failed: $CACHED_VERIFIED"
    VERIFIED="$VERIFIED; cached broker: $CACHED_VERIFIED"
    log "$VERIFIED"
fi

# --- report ------------------------------------------------------------------------------------------
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -F'\t' -v t="$1" -v c="$2" '$1 == t { print $c }' "${3:-$ROWS}" | median; }
declare -A M
for target in broker cached bare audit; do
    M[$target.rps]=$(col "$target" 3)
    M[$target.p50]=$(col "$target" 4)
    M[$target.p99]=$(col "$target" 5)
    M[$target.cpu]=$(col "$target" 9)
    M[$target.percpu]=$(col "$target" 10)
    M[$target.cores]=$(col "$target" 11)
    M[$target.u50]=$(col "$target" 4 "$UROWS")
    M[$target.u99]=$(col "$target" 5 "$UROWS")
done
RATIO=$(awk -v a="${M[broker.rps]}" -v b="${M[bare.rps]}" 'BEGIN { printf "%.3f", a / b }')
CACHED_RATIO=$(awk -v a="${M[cached.rps]}" -v b="${M[bare.rps]}" 'BEGIN { printf "%.3f", a / b }')
CPU_RATIO=$(awk -v a="${M[broker.percpu]}" -v b="${M[bare.percpu]}" 'BEGIN { printf "%.3f", a / b }')
MET=$(awk -v r="$RATIO" -v t="$TARGET" 'BEGIN { print (r >= t) ? "met" : "NOT met" }')
AUDIT_RATIO=$(awk -v a="${M[broker.rps]}" -v b="${M[audit.rps]}" 'BEGIN { printf "%.3f", a / b }')
AUDIT_CPU_RATIO=$(awk -v a="${M[broker.percpu]}" -v b="${M[audit.percpu]}" 'BEGIN { printf "%.3f", a / b }')
ROW_CPU_RATIO=$(awk -v a="${M[audit.percpu]}" -v b="${M[bare.percpu]}" 'BEGIN { printf "%.3f", a / b }')
# A disturbed floor makes any ratio against it meaningless: bare + audit cannot cost less per exchange than bare,
# and the same endpoint's rounds should not spread by more than FLOOR_SPREAD (max/min requests per CPU-second).
BARE_SPREAD=$(awk -F'\t' '$1 == "bare" { if (min == "" || $10 < min) min = $10; if ($10 > max) max = $10 } END { printf "%.3f", max / min }' "$ROWS")
DISTURBED=$(awk -v r="$ROW_CPU_RATIO" -v s="$BARE_SPREAD" -v lim="$FLOOR_SPREAD" 'BEGIN {
    if (r > 1) print "bare + audit cost less CPU per exchange than bare"
    else if (s > lim) printf "the bare rounds spread %.0f %% in requests per CPU-second, above FLOOR_SPREAD=%s", (s - 1) * 100, lim }')
[[ -z $DISTURBED ]] || MET="not judged: the floor was disturbed ($DISTURBED); re-run"
# Below the target, the floor plus one minimal row already misses it; above, what the broker may spend on the rest.
ROW_NOTE=$(awk -v r="$ROW_CPU_RATIO" -v t="$TARGET" 'BEGIN {
    if (r < t) printf "; below %s, the floor plus that one row already misses the broker/bare target", t
    else printf "; the target leaves %.3f of the floor per CPU-second for everything the broker does beyond that row", r - t }')
P99_RATIO=$(awk -v a="${M[broker.p99]}" -v b="${M[bare.p99]}" 'BEGIN { printf "%.2f", a / b }')
U99_RATIO=$(awk -v a="${M[broker.u99]}" -v b="${M[audit.u99]}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')

# One row per run of a rows file ($ROWS or $UROWS), as a Markdown table.
runs_table() {
    echo "| target | round | req/s | p50 ms | p99 ms | requests | non-2xx | socket errors | server CPU s | cores busy | req per CPU-s | other processes' cores | stolen cores |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $11, $10, $12, $13 }' "$1"
}

CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
# Busy means CPU went elsewhere during the measured runs: to other processes (the median over the loaded runs of the
# cores neither the measured server nor wrk used) or to the hypervisor (stolen). The load average cannot tell: the
# benchmark itself keeps it above nproc.
OTHERS=$(awk -F'\t' '{ print $12 }' "$ROWS" | median)
STOLEN=$(awk -F'\t' '{ print $13 }' "$ROWS" | median)
BUSY=$(awk -v o="$OTHERS" -v s="$STOLEN" 'BEGIN { if (o > 0.1 || s > 0.1) printf "**The machine was busy: in the median run %.2f cores went to other processes and %.2f were stolen by the hypervisor. Compare ratios only, and re-run on a quiet machine for absolute figures.**", o, s }')
{
    echo "# Latest load benchmark"
    echo
    echo "\`bash bench/run.sh\` (DURATION=$DURATION CONNECTIONS=$CONNECTIONS ROUNDS=$ROUNDS THREADS=$THREADS WARMUP=$WARMUP)"
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
    echo "| commit | $COMMIT$DIRTY |"
    echo "| CPU | $CPU_MODEL, nproc $(nproc) |"
    echo "| kernel | $(uname -sr) |"
    echo "| .NET | $(dotnet --version) |"
    echo "| DOTNET_GCgen0size (every server) | $DOTNET_GCgen0size |"
    echo "| wrk | $(wrk -v 2>&1 | head -1 | awk '{ print $1, $2 }') |"
    echo "| load average before / after | $LOAD_BEFORE / $LOAD_AFTER |"
    echo "| cores used by other processes / stolen (median run) | $OTHERS / $STOLEN |"
    echo
    [[ -z $BUSY ]] || { echo "$BUSY"; echo; }
    echo "## Medians over $ROUNDS rounds"
    echo
    echo "| target | exchanges/s | p50 ms | p99 ms | server CPU s per run | server cores busy | requests per server CPU-s |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    echo "| broker (full exchange, durable audit) | ${M[broker.rps]} | ${M[broker.p50]} | ${M[broker.p99]} | ${M[broker.cpu]} | ${M[broker.cores]} | ${M[broker.percpu]} |"
    echo "| cached (repeated identities, identity_cache on) | ${M[cached.rps]} | ${M[cached.p50]} | ${M[cached.p99]} | ${M[cached.cpu]} | ${M[cached.cores]} | ${M[cached.percpu]} |"
    echo "| bare (crypto floor) | ${M[bare.rps]} | ${M[bare.p50]} | ${M[bare.p99]} | ${M[bare.cpu]} | ${M[bare.cores]} | ${M[bare.percpu]} |"
    echo "| bare + audit (one group-committed SQLite row) | ${M[audit.rps]} | ${M[audit.p50]} | ${M[audit.p99]} | ${M[audit.cpu]} | ${M[audit.cores]} | ${M[audit.percpu]} |"
    echo
    echo "- throughput ratio broker/bare: **$RATIO** (target ≥ $TARGET at $CONNECTIONS connections: **$MET**); broker/(bare + audit): **$AUDIT_RATIO**"
    echo "- p99 broker/bare at $CONNECTIONS connections: **$P99_RATIO** (target ≤ 1.5)"
    echo "- throughput ratio cached/bare (same actor and user token on every request, identity_cache on): **$CACHED_RATIO**"
    echo "- requests per server CPU-second, broker/bare: **$CPU_RATIO**; broker/(bare + audit): **$AUDIT_CPU_RATIO**"
    echo "- requests per server CPU-second, (bare + audit)/bare: **$ROW_CPU_RATIO**, what one durable audit row alone costs on this machine$ROW_NOTE"
    echo "- durability: $ISSUED issuance records in the store for $BROKER_OK successful exchanges, $CACHED_ISSUED for $CACHED_OK on the cached broker; $VERIFIED"
    echo
    if [[ $UNLOADED != 0 ]]; then
        echo "## Unloaded (1 connection, medians over $ROUNDS rounds of $UNLOADED)"
        echo
        echo "| target | p50 ms | p99 ms |"
        echo "|---|---:|---:|"
        for target in broker bare audit; do
            echo "| $target | ${M[$target.u50]} | ${M[$target.u99]} |"
        done
        echo
        echo "- broker p50 **${M[broker.u50]} ms** (target ≤ 0.8 ms); p99 broker/(bare + audit) **$U99_RATIO** (target ≤ 1.5)"
        echo
    fi
    echo "## Every run"
    echo
    runs_table "$ROWS"
    if [[ -s $UROWS ]]; then
        echo
        echo "At 1 connection:"
        echo
        runs_table "$UROWS"
    fi
    echo
    echo "Raw wrk output: \`bench/results/raw/$STAMP/\` (not committed)."
} >"$RESULTS/latest.md"
cp "$RESULTS/latest.md" "$RAW/$STAMP/summary.md"

# The README quotes the headline of the latest run between its latest:begin/end markers.
{
    echo "\`bash bench/run.sh\` on $(date -u '+%Y-%m-%d') at commit $COMMIT$DIRTY: $CPU_MODEL, nproc $(nproc), load average $LOAD_BEFORE before and $LOAD_AFTER after;"
    echo "$CONNECTIONS connections, $ROUNDS rounds of $DURATION per target, medians."
    echo
    sed -n '/^| target | exchanges/,/^| bare + audit/p' "$RESULTS/latest.md"
    echo
    echo "Throughput ratio broker/bare **$RATIO** (target ≥ $TARGET: **$MET**); repeated identities (identity_cache on) cached/bare **$CACHED_RATIO**; requests per server CPU-second broker/bare **$CPU_RATIO**; p99 broker/bare **$P99_RATIO**."
    [[ $UNLOADED == 0 ]] || echo "Unloaded (1 connection): broker p50 **${M[broker.u50]} ms**, p99 broker/(bare + audit) **$U99_RATIO**."
    [[ -z $BUSY ]] || { echo; echo "$BUSY"; }
} >"$WORK/readme-latest.md"
awk -v snippet="$WORK/readme-latest.md" '
    /<!-- latest:end -->/ { skipping = 0 }
    !skipping { print }
    /<!-- latest:begin -->/ { while ((getline line < snippet) > 0) print line; skipping = 1 }
' "$BENCH/README.md" >"$WORK/README.md" && cp "$WORK/README.md" "$BENCH/README.md"
log "wrote bench/results/latest.md and the README figures: broker/bare throughput $RATIO (target $TARGET $MET), cached/bare $CACHED_RATIO, per CPU-s $CPU_RATIO"
