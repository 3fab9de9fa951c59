# Sourced by bench/cluster/run.sh: writes bench/results/cluster-latest.md (cluster-dry-run.md under DRY_RUN).

v() { echo "${R[$1]:--}"; }

write_report() {
    RESULT_FILE=$RESULTS/cluster-latest.md
    [[ $DRY_RUN == 1 ]] && RESULT_FILE=$RESULTS/cluster-dry-run.md
    local end cpu_model store_line
    end=$(date +%s)
    cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
    if [[ $DRY_RUN == 1 ]]; then
        store_line="SQLite only (DRY_RUN=1: no PostgreSQL; checks the script, not the cluster)"
    else
        store_line="PostgreSQL $PG_VERSION, private cluster on loopback, fsync on, synchronous_commit on; SQLite (WAL, synchronous=FULL) for the comparison"
    fi
    {
        echo "# Cluster bench"
        echo
        echo "\`bash bench/cluster/run.sh\` (PARTS=\"$PARTS\" REVOCATIONS=$REVOCATIONS CONNECTIONS=$CONNECTIONS ROUNDS=$ROUNDS DURATION=$DURATION KILLS=$KILLS CLIENTS=$CLIENTS SEED=$SEED)$([[ ${FAILED:-0} == 0 ]] && echo ': **passed**' || echo ': **FAILED**')"
        echo
        echo "| | |"
        echo "|---|---|"
        echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
        echo "| commit | $COMMIT$DIRTY |"
        echo "| machine | $cpu_model, nproc $(nproc), load average $LOAD_BEFORE before and $LOAD_AFTER after |"
        echo "| store | $store_line |"
        echo "| nodes | \`mandate serve\` (Release) on 127.0.0.1, the quickstart configuration, one schema per part, the key-encryption key shared through \`MANDATE_KEK\` |"
        echo "| duration | $((end - START)) s |"
        if [[ $PARTS == *propagation* ]]; then
            echo
            echo "## (a) Revocation propagation"
            echo
            echo "$(v prop.samples) times: exchange on node A, introspection on node C (must answer active), RFC 7009 revocation on node B,"
            echo "then introspection on node C back to back until it answers \`active: false\`. Nodes: $(v prop.nodes)."
            echo "Time is measured from the revocation's HTTP 200 (durably recorded, notified) to the first inactive answer."
            echo
            echo "| ms after the revocation was acknowledged | p50 | p99 | max |"
            echo "|---|---:|---:|---:|"
            echo "| first inactive answer from node C received (upper bound) | $(v prop.upper_p50) | $(v prop.upper_p99) | $(v prop.upper_max) |"
            echo "| that introspection request sent (lower bound) | $(v prop.lower_p50) | $(v prop.lower_p99) | $(v prop.lower_max) |"
            echo "| the revocation request itself on node B (send → 200) | $(v prop.revoke_p50) | $(v prop.revoke_p99) | $(v prop.revoke_max) |"
            echo
            echo "- propagated: $(v prop.propagated) of $(v prop.samples); not inactive within 5 s: $(v prop.not_propagated)"
            echo "- inactive already at the first poll: $(v prop.first_poll_inactive); most polls for one credential: $(v prop.polls_max)"
            echo "- credentials node C did not know as active before the revocation: $(v prop.inactive_before_revocation)"
            [[ $DRY_RUN == 1 ]] || echo "- PostgreSQL sessions of the nodes after the run, by application name: $(v prop.sessions)"
        fi
        if [[ $PARTS == *throughput* ]]; then
            echo
            echo "## (b) One node: PostgreSQL against SQLite"
            echo
            echo "wrk, $CONNECTIONS connections, $THREADS threads, warm-up $WARMUP each, $ROUNDS interleaved rounds of $DURATION per node, medians."
            echo "The quickstart exchange (user token + agent JWT-SVID → refunds:write credential) with its durable audit record."
            echo
            echo "| node | exchanges/s | p50 ms | p99 ms | broker CPU s | PostgreSQL CPU s | cores busy (both) | req per broker CPU-s | req per CPU-s (broker + PostgreSQL) | WAL bytes per exchange |"
            echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
            for target in postgres sqlite; do
                echo "| $target$([[ $target == postgres && $DRY_RUN == 1 ]] && echo ' (dry run: SQLite)') | $(v tp.$target.rps) | $(v tp.$target.p50) | $(v tp.$target.p99) | $(v tp.$target.cpu) | $(v tp.$target.pgcpu) | $(v tp.$target.cores) | $(v tp.$target.percpu) | $(v tp.$target.pertotal) | $(v tp.$target.wal) |"
            done
            echo
            echo "Every run:"
            echo
            echo "| node | round | req/s | p50 ms | p99 ms | requests | non-2xx | socket errors | broker CPU s | PostgreSQL CPU s | req per broker CPU-s | req per CPU-s (both) | cores busy | WAL B/req |"
            echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
            awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 }' "$WORK/throughput.tsv"
            echo
            echo "Store size after the part (every table and index, divided by the audit records: an upper bound per record):"
            echo
            echo "| store | audit records | bytes on disk | bytes per audit record |"
            echo "|---|---:|---:|---:|"
            echo "| SQLite (file + WAL) | $(v disk.sqlite.records) | $(v disk.sqlite.bytes) | $(v disk.sqlite.per) |"
            [[ $DRY_RUN == 1 ]] || echo "| PostgreSQL (tables, indexes, TOAST) | $(v disk.postgres.records) | $(v disk.postgres.bytes) | $(v disk.postgres.per) |"
            [[ $DRY_RUN == 1 ]] || { echo; echo "Largest PostgreSQL tables: $(v disk.postgres.tables)."; }
        fi
        if [[ $PARTS == *crash* ]]; then
            echo
            echo "## (c) SIGKILL under load"
            echo
            echo "$CLIENTS clients (curl loops) round-robin over nodes $(v crash.nodes); node a killed with SIGKILL $KILLS times after"
            echo "${MIN_UP}–${MAX_UP} ms of service and started again; at the end every credential a client received is looked up"
            echo "among the issuance records (\`mandate audit query --kind issuance --json\`) and the chain is verified."
            echo
            echo "| | |"
            echo "|---|---|"
            echo "| node a starts / SIGKILLs | $(v crash.starts) / $KILLS |"
            echo "| service time before each kill (ms, sorted) | $(v crash.uptimes)|"
            echo "| node a back to ready after a kill | $(v crash.ready) |"
            echo "| credentials received by clients (HTTP 200 with an access token) | $(v crash.received) |"
            echo "| of those with an issuance record in the store | $(v crash.found) |"
            echo "| **missing** (received, no issuance record) | **$(v crash.missing)** |"
            echo "| issuance records never received by a client (reply lost in a kill) | $(v crash.unseen) |"
            echo "| issuance records by node | $(v crash.by_node) |"
            echo "| \`mandate audit verify\` afterwards | exit $(v crash.verify_rc): $(v crash.verify) |"
            echo "| client outcomes (HTTP status, or connect = no answer) | $(v crash.codes) |"
        fi
        if [[ $PARTS == *outage* && $DRY_RUN != 1 ]]; then
            echo
            echo "## (d) PostgreSQL down and back"
            echo
            echo "Nodes a and b running; PostgreSQL stopped (\`pg_ctl stop -m fast\`), then started again. Answers as \`HTTP status check_id\`."
            echo
            echo "| | |"
            echo "|---|---|"
            echo "| at once after the stop | $(v outage.at_once) |"
            echo "| 5 s later | $(v outage.after_5s) |"
            echo "| a third node started during the outage | $(v outage.start) |"
            echo "| first HTTP 200 to an exchange after PostgreSQL started again (no node restarted) | $(v outage.recovered) |"
            echo "| revocation between the nodes afterwards | $(v outage.after) |"
            echo "| \`mandate audit verify\` afterwards | exit $(v outage.verify_rc): $(v outage.verify) |"
        fi
        echo
        echo "Raw files: \`bench/results/raw/cluster-$STAMP/\` (not committed)."
    } >"$RESULT_FILE"
    cat "$RESULT_FILE" >&2
}
