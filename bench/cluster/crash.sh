# Sourced by bench/cluster/parts.sh: (c) the SIGKILL drill under load on one node of the cluster, after
# bench/crash/run.sh. Clients go round-robin over every node; node A is killed and started again, KILLS times.

# One client: exchanges in a loop, each on the next node, until told to stop. Only a complete HTTP 200 body
# counts as received; its access token goes to the client's file at once (the client outlives every node).
crash_client() { # id urls...
    local id=$1 out body code i=0 url
    shift
    local urls=("$@")
    out=$WORK/crash/jti/client-$id
    body=$WORK/crash/jti/body-$id
    : >"$out.tokens"
    : >"$out.codes"
    i=$id
    while [[ ! -e $WORK/stop ]]; do
        url=${urls[$((i % ${#urls[@]}))]}
        i=$((i + 1))
        if code=$(curl -sS -m 15 -o "$body" -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' \
            --data-binary "@$WORK/crash/body.form" "$url/oauth2/token" 2>/dev/null); then
            echo "$code" >>"$out.codes"
            if [[ $code == 200 ]] && [[ $(<"$body") =~ \"access_token\":\"([^\"]+)\" ]]; then
                echo "${BASH_REMATCH[1]}" >>"$out.tokens"
            fi
        else
            echo "connect" >>"$out.codes"
            sleep 0.05 # that node is down or restarting
        fi
    done
}

part_crash() {
    local names=(a b c) name urls=() pid up_ms kill_no ready_ms t0
    [[ $DRY_RUN == 1 ]] && names=(a)
    start_cluster crash mandate_bench_crash "${names[@]}"
    for name in "${names[@]}"; do
        urls+=("${NODE_URL[$name]}")
    done
    mkdir -p "$WORK/crash/jti"
    rm -f "$WORK/stop"
    log "crash: $CLIENTS clients round-robin over ${names[*]}; $KILLS SIGKILLs of node a after ${MIN_UP}-${MAX_UP} ms of service each (seed $SEED)"
    for i in $(seq 1 "$CLIENTS"); do
        crash_client "$i" "${urls[@]}" &
        CLIENT_PIDS+=($!)
    done
    local uptimes=() readies=()
    for kill_no in $(seq 1 "$KILLS"); do
        if ((kill_no > 1)); then
            t0=$(date +%s%N)
            start_node a
            ready_ms=$((($(date +%s%N) - t0) / 1000000))
            readies+=("$ready_ms")
        fi
        up_ms=$((MIN_UP + RANDOM % (MAX_UP - MIN_UP + 1)))
        uptimes+=("$up_ms")
        sleep "$(awk -v ms="$up_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
        pid=${NODE_PID[a]}
        kill -0 "$pid" 2>/dev/null || { cat "${NODE_DIR[a]}/node-${NODE_STARTS[a]}.log" >&2; die "node a died on its own before kill $kill_no (log above)"; }
        kill -KILL "$pid"
        wait "$pid" 2>/dev/null || true
        NODE_PID[a]=""
        log "kill $kill_no/$KILLS after $up_ms ms; credentials received so far: $(cat "$WORK"/crash/jti/client-*.tokens | wc -l)"
    done

    # Let in-flight requests finish or fail, then stop the clients. The other nodes stay up: the store is theirs too.
    touch "$WORK/stop"
    for pid in "${CLIENT_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    CLIENT_PIDS=()

    # The jti of each received credential, from its JWT payload (base64url).
    cat "$WORK"/crash/jti/client-*.tokens | jq -rR 'split(".")[1] | gsub("-"; "+") | gsub("_"; "/") | @base64d | fromjson | .jti' \
        | sort >"$WORK/crash/received.txt"
    local received distinct records missing unseen verify_out verify_rc=0 config=${NODE_CONFIG[${names[-1]}]}
    received=$(wc -l <"$WORK/crash/received.txt")
    distinct=$(sort -u "$WORK/crash/received.txt" | wc -l)
    ((received > 0)) || die "crash: no client received a credential"
    ((distinct == received)) || die "crash: $((received - distinct)) jti values were received twice"
    # The issuance records, read through the product from the shared store (the killed node's config would do as well).
    "$MANDATE" audit query --config "$config" --kind issuance --limit 100000000 --json >"$WORK/crash/issuance.jsonl" \
        || die "mandate audit query failed after the drill"
    jq -r '.event.jti // empty' "$WORK/crash/issuance.jsonl" | sort -u >"$WORK/crash/recorded.txt"
    records=$(wc -l <"$WORK/crash/recorded.txt")
    comm -23 "$WORK/crash/received.txt" "$WORK/crash/recorded.txt" >"$WORK/crash/missing.txt"
    missing=$(wc -l <"$WORK/crash/missing.txt")
    unseen=$(comm -13 "$WORK/crash/received.txt" "$WORK/crash/recorded.txt" | wc -l)
    verify_out=$("$MANDATE" audit verify --config "$config" 2>&1) || verify_rc=$?

    R[crash.nodes]=${names[*]}
    R[crash.starts]=${NODE_STARTS[a]}
    R[crash.received]=$received
    R[crash.records]=$records
    R[crash.found]=$((received - missing))
    R[crash.missing]=$missing
    R[crash.unseen]=$unseen
    R[crash.verify_rc]=$verify_rc
    R[crash.verify]=$(tr '\n' ' ' <<<"$verify_out" | sed 's/ *$//')
    R[crash.uptimes]=$(printf '%s\n' "${uptimes[@]}" | sort -n | tr '\n' ' ')
    R[crash.ready]=$(printf '%s\n' "${readies[@]}" | sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "median %d ms, max %d ms", v[int((NR + 1) / 2)], v[NR] }')
    R[crash.codes]=$(cat "$WORK"/crash/jti/client-*.codes | sort | uniq -c | sort -rn | awk '{ printf "%s%s × %s", (NR > 1 ? ", " : ""), $1, $2 }')
    R[crash.by_node]=$(jq -r '.node // .event.node // empty' "$WORK/crash/issuance.jsonl" | sort | uniq -c | awk '{ printf "%s%s: %s", (NR > 1 ? ", " : ""), $2, $1 }')
    if ((missing > 0)); then
        log "crash: missing jti values (first 10):"
        head -n 10 "$WORK/crash/missing.txt" >&2
        KEEP=1
        FAILED=1
    fi
    ((verify_rc == 0)) || { KEEP=1; FAILED=1; log "crash: mandate audit verify failed: ${R[crash.verify]}"; }
    log "crash: $received received, $((received - missing)) recorded, $missing missing, $unseen recorded but never received; verify exit $verify_rc"
    stop_all_nodes
}
