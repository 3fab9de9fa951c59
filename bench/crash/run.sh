#!/usr/bin/env bash
# Crash-consistency drill: is every credential a client received durably recorded, whatever the moment
# the broker dies? Starts `mandate serve` on a fresh SQLite data directory, drives token exchanges from
# several parallel clients, records the jti of every credential a client received, kills the broker with
# SIGKILL at random moments and restarts it on the same data, again and again. At the end (on the store
# exactly as the last SIGKILL left it) every received jti must have an issuance record, and
# `mandate audit verify` must pass. See bench/README.md.
#
#   bash bench/crash/run.sh                       # 20 kills, 8 clients
#   KILLS=50 CLIENTS=16 bash bench/crash/run.sh
#
# Knobs: KILLS (20), CLIENTS (8, parallel curl loops), MIN_UP / MAX_UP (how long the broker serves
# before each kill, in ms, chosen uniformly at random: 300 / 3000), SEED (for $RANDOM; default: random).
set -euo pipefail

KILLS=${KILLS:-20}
CLIENTS=${CLIENTS:-8}
MIN_UP=${MIN_UP:-300}
MAX_UP=${MAX_UP:-3000}
SEED=${SEED:-$(od -An -tu2 -N2 /dev/urandom | tr -d ' ')}
RANDOM=$SEED

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO=$(cd "$BENCH/.." && pwd)
RESULTS=$BENCH/results
MANDATE=$REPO/src/Mandate.Cli/bin/Release/net10.0/mandate

# The quickstart's identities (as bench/run.sh uses them).
AGENT=spiffe://acme.example/agents/support
USER_SUB=alice
TENANT=acme
RESOURCE=https://refunds.acme.example
SCOPE=refunds:write

log() { printf '[crash %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

for tool in curl jq; do
    command -v "$tool" >/dev/null || die "$tool is required"
done

COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$REPO" status --porcelain -- src bench ':!bench/results' ':!bench/README.md' 2>/dev/null | grep -q . && echo " (uncommitted changes)" || true)

log "building the broker CLI (Release)"
dotnet build "$REPO/src/Mandate.Cli/Mandate.Cli.csproj" -c Release -nologo -v quiet >/dev/null || die "build of src/Mandate.Cli failed"
[[ -x $MANDATE ]] || die "built binary not found at $MANDATE"

WORK=$(mktemp -d /tmp/mandate-crash.XXXXXX)
BROKER_PID=""
CLIENT_PIDS=()
cleanup() {
    touch "$WORK/stop" 2>/dev/null || true
    for pid in "${CLIENT_PIDS[@]}" $BROKER_PID; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${CLIENT_PIDS[@]}" $BROKER_PID; do
        wait "$pid" 2>/dev/null || true
    done
    [[ ${KEEP:-0} == 1 ]] && log "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=../lib.sh
source "$BENCH/lib.sh"

PORT=$(free_port)
URL=http://127.0.0.1:$PORT
CONFIG=$WORK/mandate.yaml
DB=$WORK/data/mandate.db
cp "$REPO/examples/quickstart/policy.yaml" "$WORK/policy.yaml"
sed -e "s#^issuer: .*#issuer: $URL#" \
    -e "s#^listen: .*#listen: $URL#" \
    -e "s#^environment: .*#environment: dev#" \
    -e "s#\.\./\.\./\.mandate/quickstart#$WORK/data#g" \
    "$REPO/examples/quickstart/mandate.yaml" >"$CONFIG"
grep -q "^issuer: $URL" "$CONFIG" && grep -q "^data_dir: $WORK/data" "$CONFIG" \
    || die "could not rewrite examples/quickstart/mandate.yaml into a drill config (has its layout changed?)"
mkdir -p "$WORK/cwd" "$WORK/jti"

START=$(date +%s)
START_NO=0
start_broker() {
    START_NO=$((START_NO + 1))
    (cd "$WORK/cwd" && exec "$MANDATE" serve --config "$CONFIG" --listen "$URL") >>"$WORK/broker-$START_NO.log" 2>&1 &
    BROKER_PID=$!
    for _ in $(seq 1 240); do
        kill -0 "$BROKER_PID" 2>/dev/null || { cat "$WORK/broker-$START_NO.log" >&2; die "broker start $START_NO exited during start-up (log above)"; }
        if curl -fsS -o /dev/null "$URL/healthz" 2>/dev/null; then
            return
        fi
        sleep 0.25
    done
    cat "$WORK/broker-$START_NO.log" >&2
    die "broker start $START_NO not ready after 60s (log above)"
}

log "starting mandate serve on $URL (data in $WORK/data)"
start_broker

# Tokens are minted after the first start: the broker writes the dev issuers' keys into the data directory.
# `mandate dev token` wraps its output at 80 columns when redirected; a JWT has no newlines of its own.
ACTOR_TOKEN=$("$MANDATE" dev token --config "$CONFIG" --issuer workloads --sub "$AGENT" --ttl 1h | tr -d '\n')
USER_TOKEN=$("$MANDATE" dev token --config "$CONFIG" --issuer acme-idp --sub "$USER_SUB" --tenant "$TENANT" --ttl 1h | tr -d '\n')
[[ $ACTOR_TOKEN == *.*.* && $USER_TOKEN == *.*.* ]] || die "mandate dev token did not print JWTs"
{
    printf 'grant_type=%s' "$(urlencode urn:ietf:params:oauth:grant-type:token-exchange)"
    printf '&subject_token=%s&subject_token_type=%s' "$USER_TOKEN" "$(urlencode urn:ietf:params:oauth:token-type:jwt)"
    printf '&actor_token=%s&actor_token_type=%s' "$ACTOR_TOKEN" "$(urlencode urn:ietf:params:oauth:token-type:jwt)"
    printf '&resource=%s&scope=%s' "$(urlencode "$RESOURCE")" "$(urlencode "$SCOPE")"
} >"$WORK/body.form"

status=$(curl -sS -o "$WORK/first.json" -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-binary "@$WORK/body.form" "$URL/oauth2/token") || die "first exchange failed"
[[ $status == 200 ]] && grep -q '"access_token"' "$WORK/first.json" \
    || { cat "$WORK/first.json" >&2; die "the broker answered HTTP $status to the exchange, not 200 with an access_token"; }

# One client: exchanges in a loop until told to stop. Only a complete HTTP 200 body counts as received;
# its access token goes to the client's file at once (the client outlives every broker).
client() { # id
    local out=$WORK/jti/client-$1 body=$WORK/jti/body-$1 code
    : >"$out.tokens"
    : >"$out.codes"
    while [[ ! -e $WORK/stop ]]; do
        if code=$(curl -sS -m 15 -o "$body" -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' \
            --data-binary "@$WORK/body.form" "$URL/oauth2/token" 2>/dev/null); then
            echo "$code" >>"$out.codes"
            if [[ $code == 200 ]] && [[ $(<"$body") =~ \"access_token\":\"([^\"]+)\" ]]; then
                echo "${BASH_REMATCH[1]}" >>"$out.tokens"
            fi
        else
            echo "connect" >>"$out.codes"
            sleep 0.05 # the broker is down or restarting
        fi
    done
}

log "$CLIENTS clients exchanging; $KILLS SIGKILLs after ${MIN_UP}-${MAX_UP} ms of service each (seed $SEED)"
for i in $(seq 1 "$CLIENTS"); do
    client "$i" &
    CLIENT_PIDS+=($!)
done

UPTIMES=()
for kill_no in $(seq 1 "$KILLS"); do
    if ((kill_no > 1)); then
        start_broker
    fi
    up_ms=$((MIN_UP + RANDOM % (MAX_UP - MIN_UP + 1)))
    UPTIMES+=("$up_ms")
    sleep "$(awk -v ms="$up_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
    kill -0 "$BROKER_PID" 2>/dev/null || { cat "$WORK/broker-$START_NO.log" >&2; die "the broker died on its own before kill $kill_no (log above)"; }
    kill -KILL "$BROKER_PID"
    wait "$BROKER_PID" 2>/dev/null || true
    BROKER_PID=""
    received=$(cat "$WORK"/jti/client-*.tokens | wc -l)
    log "kill $kill_no/$KILLS after $up_ms ms; credentials received so far: $received"
done

# Let in-flight client requests fail against the dead broker, then stop the clients.
touch "$WORK/stop"
for pid in "${CLIENT_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
done
CLIENT_PIDS=()

# --- proof, on the store exactly as the last SIGKILL left it ---------------------------------------------
# The jti of each received credential, from its JWT payload (base64url).
cat "$WORK"/jti/client-*.tokens | jq -rR 'split(".")[1] | gsub("-"; "+") | gsub("_"; "/") | @base64d | fromjson | .jti' \
    | sort >"$WORK/received.txt"
RECEIVED=$(wc -l <"$WORK/received.txt")
DISTINCT=$(sort -u "$WORK/received.txt" | wc -l)
((RECEIVED > 0)) || die "no client received a credential"
((DISTINCT == RECEIVED)) || die "$((RECEIVED - DISTINCT)) jti values were received twice"

# The issuance records, read through the product (`mandate audit query`), not the table layout.
"$MANDATE" audit query --config "$CONFIG" --kind issuance --limit 100000000 --json >"$WORK/issuance.jsonl" \
    || die "mandate audit query failed on the crashed store"
jq -r '.event.jti // empty' "$WORK/issuance.jsonl" | sort -u >"$WORK/recorded.txt"
RECORDS=$(wc -l <"$WORK/recorded.txt")
comm -23 "$WORK/received.txt" "$WORK/recorded.txt" >"$WORK/missing.txt"
MISSING=$(wc -l <"$WORK/missing.txt")
FOUND=$((RECEIVED - MISSING))
# Recorded but never received: answers lost with the broker (committed, then killed before the reply).
UNSEEN=$(comm -13 "$WORK/received.txt" "$WORK/recorded.txt" | wc -l)

VERIFY_OUT=$("$MANDATE" audit verify --config "$CONFIG" 2>&1) && VERIFY_RC=0 || VERIFY_RC=$?
VERIFY_LINE=$(tr '\n' ' ' <<<"$VERIFY_OUT" | sed 's/ *$//')
END=$(date +%s)
DURATION=$((END - START))

codes() { cat "$WORK"/jti/client-*.codes | sort | uniq -c | sort -rn | awk '{ printf "%s%s × %s", (NR > 1 ? ", " : ""), $1, $2 }'; }
CODES=$(codes)
UP_SORTED=$(printf '%s\n' "${UPTIMES[@]}" | sort -n | tr '\n' ' ')

RESULT=passed
((MISSING == 0 && VERIFY_RC == 0)) || RESULT=FAILED
{
    echo "# Crash consistency"
    echo
    echo "\`bash bench/crash/run.sh\` (KILLS=$KILLS CLIENTS=$CLIENTS MIN_UP=$MIN_UP MAX_UP=$MAX_UP SEED=$SEED): **$RESULT**"
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
    echo "| commit | $COMMIT$DIRTY |"
    echo "| machine | $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end |"
    echo "| store | SQLite (WAL), fresh data directory, \`examples/quickstart\` configuration |"
    echo "| broker starts / SIGKILLs | $START_NO / $KILLS |"
    echo "| service time before each kill (ms, sorted) | $UP_SORTED|"
    echo "| credentials received by clients (HTTP 200 with an access token) | $RECEIVED |"
    echo "| of those with an issuance record in the store | $FOUND |"
    echo "| **missing** (received, no issuance record) | **$MISSING** |"
    echo "| issuance records never received by a client (reply lost in a kill) | $UNSEEN |"
    echo "| \`mandate audit verify\` on the store as the last kill left it | exit $VERIFY_RC: $VERIFY_LINE |"
    echo "| client outcomes (HTTP status, or connect = no answer) | $CODES |"
    echo "| duration | ${DURATION} s |"
} >"$RESULTS/crash-consistency.md"
cat "$RESULTS/crash-consistency.md" >&2

if ((MISSING > 0)); then
    log "missing jti values (first 10):"
    head -n 10 "$WORK/missing.txt" >&2
    KEEP=1
    die "$MISSING credentials were received without a durable issuance record"
fi
((VERIFY_RC == 0)) || { KEEP=1; die "mandate audit verify failed: $VERIFY_LINE"; }
log "passed: $RECEIVED received, $FOUND recorded, 0 missing, audit chain verified, $KILLS kills in ${DURATION} s"
