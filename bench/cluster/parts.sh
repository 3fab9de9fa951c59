# Sourced by bench/cluster/run.sh: the three parts. Each leaves its figures in R[...] and stops its nodes.

declare -A R
FAILED=0
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW=$RESULTS/raw/cluster-$STAMP
mkdir -p "$RAW"

# --- (a) revocation propagation ------------------------------------------------------------------------------
part_propagation() {
    local a b c rc=0
    if [[ $DRY_RUN == 1 ]]; then
        start_cluster propagation "" a
        a=a b=a c=a
    else
        start_cluster propagation mandate_bench_propagation a b c
        a=a b=b c=c
    fi
    log "propagation: $REVOCATIONS x (exchange on $a, revoke on $b, introspect on $c until inactive)"
    "$DRIVER" --exchange "${NODE_URL[$a]}" --revoke "${NODE_URL[$b]}" --introspect "${NODE_URL[$c]}" \
        --body "$WORK/propagation/body.form" --tool-token "$WORK/propagation/tool.jwt" \
        --count "$REVOCATIONS" --raw "$RAW/propagation.tsv" >"$WORK/propagation/summary.txt" || rc=$?
    cat "$WORK/propagation/summary.txt" >&2
    while read -r key value; do
        R[prop.$key]=$value
    done <"$WORK/propagation/summary.txt"
    [[ -n ${R[prop.samples]:-} ]] || die "the propagation driver printed no summary (exit $rc)"
    R[prop.nodes]="$a, $b, $c"
    R[prop.rc]=$rc
    ((rc == 0)) || { FAILED=1; log "WARNING: propagation: not every revocation reached node $c in time (exit $rc)"; }
    if [[ $DRY_RUN != 1 ]]; then
        # What the nodes hold open on PostgreSQL after the run (for sizing max_connections).
        R[prop.sessions]=$(pg_sql postgres "SELECT string_agg(application_name || ': ' || n, ', ' ORDER BY application_name) FROM (SELECT application_name, count(*) AS n FROM pg_stat_activity WHERE application_name LIKE 'mandate:%' GROUP BY 1) s")
    fi
    stop_all_nodes
}

# --- (b) one node on PostgreSQL against one node on SQLite -------------------------------------------------------
# Latency from wrk's distribution ("  99%   12.34ms") in milliseconds.
latency_ms() { # file percentile
    awk -v p="$2%" '$1 == p {
        v = $2; u = v; gsub(/[0-9.]/, "", u); sub(/[a-z]+$/, "", v)
        if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000
        printf "%.2f", v; exit }' "$1"
}

measure() { # target(sqlite|postgres) round duration
    local target=$1 round=$2 duration=$3 name dir pid out before after pg_before=0 pg_after=0 wal_before=0 wal_after=0
    name=tp-$target
    dir=$WORK/throughput-$target
    pid=${NODE_PID[$name]}
    out=$RAW/throughput-$target-$round.txt
    if [[ $target == postgres && $DRY_RUN != 1 ]]; then
        pg_before=$(pg_cpu_ticks)
        wal_before=$(pg_wal_lsn)
    fi
    before=$(cpu_ticks "$pid")
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency -s "$dir/post.lua" "${NODE_URL[$name]}/oauth2/token" >"$out" \
        || die "wrk failed against $target ($out)"
    after=$(cpu_ticks "$pid")
    if [[ $target == postgres && $DRY_RUN != 1 ]]; then
        pg_after=$(pg_cpu_ticks)
        wal_after=$(pg_wal_lsn)
    fi
    kill -0 "$pid" 2>/dev/null || die "the $target node died during the run"

    local rps requests non2xx errors p50 p99 elapsed cpu pgcpu per_cpu per_total cores wal_per
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
    pgcpu=$(awk -v t=$((pg_after - pg_before)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }')
    cores=$(awk -v c="$cpu" -v p="$pgcpu" -v e="$elapsed" 'BEGIN { printf "%.2f", (c + p) / e }')
    per_cpu=$(awk -v r="$requests" -v c="$cpu" 'BEGIN { printf "%.0f", (c > 0 ? r / c : 0) }')
    per_total=$(awk -v r="$requests" -v c="$cpu" -v p="$pgcpu" 'BEGIN { printf "%.0f", (c + p > 0 ? r / (c + p) : 0) }')
    wal_per=$(awk -v w=$((wal_after - wal_before)) -v r="$requests" 'BEGIN { printf "%.0f", (r > 0 ? w / r : 0) }')
    TP_REQUESTS[$target]=$((${TP_REQUESTS[$target]:-0} + requests - non2xx))
    if [[ $round != warmup ]]; then
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$round" "$rps" "$p50" "$p99" "$requests" \
            "$non2xx" "$errors" "$cpu" "$pgcpu" "$per_cpu" "$per_total" "$cores" "$wal_per" >>"$WORK/throughput.tsv"
    fi
    log "$(printf '%-8s %-6s %8s req/s  p50 %6s ms  p99 %7s ms  non-2xx %s  errors %s  broker CPU %5s s  PostgreSQL CPU %5s s  %5s req/broker-CPU-s  %5s req/CPU-s all  WAL %s B/req' \
        "$target" "$round" "$rps" "$p50" "$p99" "$non2xx" "$errors" "$cpu" "$pgcpu" "$per_cpu" "$per_total" "$wal_per")"
    [[ $non2xx == 0 && $errors == 0 ]] || log "WARNING: $target had $non2xx non-2xx responses and $errors socket errors ($out)"
}

# Median of one column of the measured rows of a target.
median_of() { # target column
    awk -F'\t' -v t="$1" -v c="$2" '$1 == t { print $c }' "$WORK/throughput.tsv" | sort -g \
        | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

declare -A TP_REQUESTS
part_throughput() {
    local pg_store=postgres
    [[ $DRY_RUN == 1 ]] && pg_store=sqlite
    : >"$WORK/throughput.tsv"
    STORE=sqlite start_cluster throughput-sqlite "" tp-sqlite
    STORE=$pg_store start_cluster throughput-postgres mandate_bench_throughput tp-postgres
    R[tp.pg_store]=$pg_store
    log "throughput: warm-up $WARMUP each, then $ROUNDS rounds of $DURATION per node at $CONNECTIONS connections"
    measure postgres warmup "$WARMUP"
    measure sqlite warmup "$WARMUP"
    local round target order
    for round in $(seq 1 "$ROUNDS"); do
        # Alternate which node goes first, so neither always follows the other's GC or checkpoint debris.
        if ((round % 2)); then order="postgres sqlite"; else order="sqlite postgres"; fi
        for target in $order; do
            measure "$target" "$round" "$DURATION"
        done
    done
    for target in postgres sqlite; do
        R[tp.$target.rps]=$(median_of "$target" 3)
        R[tp.$target.p50]=$(median_of "$target" 4)
        R[tp.$target.p99]=$(median_of "$target" 5)
        R[tp.$target.cpu]=$(median_of "$target" 9)
        R[tp.$target.pgcpu]=$(median_of "$target" 10)
        R[tp.$target.percpu]=$(median_of "$target" 11)
        R[tp.$target.pertotal]=$(median_of "$target" 12)
        R[tp.$target.cores]=$(median_of "$target" 13)
        R[tp.$target.wal]=$(median_of "$target" 14)
        R[tp.$target.ok]=${TP_REQUESTS[$target]}
    done
    store_footprint
    stop_all_nodes
}

# Bytes on disk per audit record after the throughput part: the whole store divided by its audit records (an
# upper bound per record: it includes runs, keys and the rest, which are small here).
store_footprint() {
    local db=$WORK/throughput-sqlite/tp-sqlite/data/mandate.db records bytes
    records=$(sqlite3 -readonly "$db" "SELECT count(*) FROM audit;")
    bytes=$(du -cb "$db"* | tail -n 1 | cut -f1)
    R[disk.sqlite.records]=$records
    R[disk.sqlite.bytes]=$bytes
    R[disk.sqlite.per]=$(awk -v b="$bytes" -v r="$records" 'BEGIN { printf "%.0f", (r > 0 ? b / r : 0) }')
    [[ $DRY_RUN == 1 ]] && return
    local schema=mandate_bench_throughput
    pg_sql postgres "CHECKPOINT" >/dev/null
    records=$(pg_sql mandate_test "SELECT count(*) FROM $schema.$PG_AUDIT_TABLE")
    bytes=$(pg_sql mandate_test "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '$schema' AND c.relkind IN ('r', 'm')")
    R[disk.postgres.records]=$records
    R[disk.postgres.bytes]=$bytes
    R[disk.postgres.per]=$(awk -v b="$bytes" -v r="$records" 'BEGIN { printf "%.0f", (r > 0 ? b / r : 0) }')
    R[disk.postgres.tables]=$(pg_sql mandate_test "SELECT string_agg(c.relname || ' ' || pg_size_pretty(pg_total_relation_size(c.oid)), ', ' ORDER BY pg_total_relation_size(c.oid) DESC) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '$schema' AND c.relkind = 'r' AND pg_total_relation_size(c.oid) > 65536")
}

# shellcheck source=crash.sh
source "$CLUSTER/crash.sh"
# shellcheck source=outage.sh
source "$CLUSTER/outage.sh"
