# Sourced by bench/cluster/parts.sh: (d) PostgreSQL stopped under two running nodes, then started again. What
# the nodes answer while it is down, and how long each takes to issue again once it is back, without a restart.

# "status check_id" of one request: an exchange (POST) or a GET of a path.
probe() { # url what(exchange|path) out
    local status
    if [[ $2 == exchange ]]; then
        status=$(curl -sS -m 20 -o "$3" -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' \
            --data-binary "@$WORK/outage/body.form" "$1/oauth2/token" 2>/dev/null) || status=000
    else
        status=$(curl -sS -m 20 -o "$3" -w '%{http_code}' "$1$2" 2>/dev/null) || status=000
    fi
    local check
    check=$(jq -r '.check_id // .error // empty' "$3" 2>/dev/null | head -n 1 || true)
    echo "$status${check:+ $check}"
}

outage_snapshot() { # label
    local name what answers=""
    for name in a b; do
        for what in exchange /.well-known/jwks.json /healthz; do
            answers+="${answers:+; }$name ${what#/.well-known/}: $(probe "${NODE_URL[$name]}" "$what" "$WORK/outage/probe.json")"
        done
    done
    R[outage.$1]=$answers
    log "outage: $1: $answers"
}

part_outage() {
    if [[ $DRY_RUN == 1 ]]; then
        log "outage: skipped under DRY_RUN (it stops PostgreSQL)"
        return
    fi
    start_cluster outage mandate_bench_outage a b
    log "outage: stopping PostgreSQL under nodes a and b"
    pg_ctl_bench stop || die "could not stop the private PostgreSQL"
    outage_snapshot at_once
    sleep 5
    outage_snapshot after_5s
    # A node started while the database is unreachable: does it say why and exit (for a supervisor to retry)?
    local port rc=0 dir=$WORK/outage/c
    port=$(free_port)
    write_node_config c postgres "$dir" "http://127.0.0.1:$port" "$(sed -n 's/^issuer: //p' "${NODE_CONFIG[a]}")" mandate_bench_outage
    share_dev_issuers a c
    (cd "$dir/cwd" && exec timeout 60 "$MANDATE" serve --config "${NODE_CONFIG[c]}" --listen "${NODE_URL[c]}") >"$dir/start.log" 2>&1 || rc=$?
    R[outage.start]="exit $rc$( ((rc == 124)) && echo ' (still starting after 60 s, stopped)'): $(grep -m 1 -iE 'error|unavailable' "$dir/start.log" | cut -c1-300)"
    log "outage: a node started during the outage: ${R[outage.start]}"
    pg_ctl_bench start || die "could not start the private PostgreSQL again ($PG_ROOT/server.log)"
    local t0 name status elapsed recovered=""
    t0=$(date +%s%N)
    for name in a b; do
        while true; do
            status=$(probe "${NODE_URL[$name]}" exchange "$WORK/outage/probe.json")
            elapsed=$((($(date +%s%N) - t0) / 1000000))
            [[ $status == 200 ]] && break
            ((elapsed < 120000)) || { FAILED=1; log "WARNING: outage: node $name still answers $status 120 s after PostgreSQL returned"; break; }
            sleep 0.1
        done
        recovered+="${recovered:+, }$name after $elapsed ms${status:+ ($status)}"
        kill -0 "${NODE_PID[$name]}" 2>/dev/null || { FAILED=1; log "WARNING: outage: node $name exited"; }
    done
    R[outage.recovered]=$recovered
    log "outage: PostgreSQL back; first 200 from $recovered"
    # Revocation still travels between the nodes after the reconnect (the change feed caught up and listens again).
    local rc=0
    "$DRIVER" --exchange "${NODE_URL[a]}" --revoke "${NODE_URL[b]}" --introspect "${NODE_URL[a]}" \
        --body "$WORK/outage/body.form" --tool-token "$WORK/outage/tool.jwt" --count 50 --warmup 0 \
        >"$WORK/outage/after.txt" || rc=$?
    R[outage.after]="$(awk '$1 == "propagated" { p = $2 } $1 == "samples" { s = $2 } $1 == "upper_p99" { u = $2 } END { printf "%s of %s revocations on b inactive on a, p99 %s ms", p, s, u }' "$WORK/outage/after.txt")"
    ((rc == 0)) || { FAILED=1; log "WARNING: outage: propagation after the outage failed (exit $rc)"; }
    local verify_rc=0
    R[outage.verify]=$("$MANDATE" audit verify --config "${NODE_CONFIG[a]}" 2>&1 | tr '\n' ' ' | sed 's/ *$//') || verify_rc=$?
    R[outage.verify_rc]=$verify_rc
    ((verify_rc == 0)) || FAILED=1
    stop_all_nodes
}
