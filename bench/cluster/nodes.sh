# Sourced by bench/cluster/run.sh (after it defines log, die, REPO, MANDATE, WORK and sources bench/lib.sh):
# a private PostgreSQL with durable settings, and broker nodes on loopback that share one schema.

# shellcheck source=../../.ci/postgres.sh
source "$REPO/.ci/postgres.sh"

declare -A NODE_PID NODE_URL NODE_CONFIG NODE_DIR NODE_STARTS

# A private PostgreSQL cluster, started by .ci/postgres.sh and then restarted with its defaults for durability:
# the CI helper turns fsync, synchronous_commit and full_page_writes off to make tests fast, which would make
# PostgreSQL look cheaper than SQLite (synchronous=FULL) and would not be a store anyone runs.
start_bench_postgres() {
    local port
    port=$(free_port)
    unset MANDATE_TEST_PG
    MANDATE_TEST_PG_PORT=$port start_test_postgres >/dev/null || die "could not start a private PostgreSQL (.ci/postgres.sh)"
    PG_PORT=$port
    pg_ctl_bench restart || die "could not restart the private PostgreSQL with fsync on ($PG_ROOT/server.log)"
    PG_VERSION=$(pg_sql postgres "SHOW server_version" | cut -d' ' -f1)
    [[ $(pg_sql postgres "SHOW fsync") == on ]] || die "PostgreSQL still runs with fsync off"
    log "PostgreSQL $PG_VERSION on 127.0.0.1:$PG_PORT (fsync on, data in $PG_ROOT)"
}

# pg_ctl start|stop|restart on the private cluster, with the bench's server options (fsync and the rest at their defaults).
pg_ctl_bench() { # action
    as_pg_owner "'$PG_BIN/pg_ctl' -D '$PG_ROOT/data' -l '$PG_ROOT/server.log' -w -m fast -o \
        \"-p $PG_PORT -k '$PG_ROOT' -c listen_addresses=127.0.0.1 -c max_connections=300\" $1" >/dev/null
}

# One query through the Unix socket as the superuser; prints unaligned rows.
pg_sql() { # database sql
    as_pg_owner "'$PG_BIN/psql' -X -q -A -t -h '$PG_ROOT' -p $PG_PORT -U postgres -d '$1' -c \"$2\""
}

# utime+stime of the postmaster, its reaped children, and its live children (backends, walwriter, checkpointer):
# PostgreSQL's share of the work, in clock ticks.
pg_cpu_ticks() {
    local pm total=0 pid stat
    pm=$(head -n 1 "$PG_ROOT/data/postmaster.pid")
    stat=$(<"/proc/$pm/stat")
    stat=${stat##*) }
    total=$(awk '{ print $12 + $13 + $14 + $15 }' <<<"$stat")
    for pid in $(pgrep -P "$pm"); do
        # A backend may exit between pgrep and the read. ($(<file 2>/dev/null) would read nothing: with a
        # redirection it is no longer the read-a-file form.)
        { stat=$(<"/proc/$pid/stat"); } 2>/dev/null || continue
        stat=${stat##*) }
        total=$((total + $(awk '{ print $12 + $13 }' <<<"$stat")))
    done
    echo "$total"
}

pg_wal_lsn() { pg_sql postgres "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"; }

# The quickstart configuration for one node. store=sqlite: its own SQLite file in its data_dir.
# store=postgres: the shared schema; every node of a cluster gets the same file except node name and data_dir
# (several nodes on one machine cannot share a data_dir: it holds the admin socket and the broker lock).
write_node_config() { # name store dir url issuer [schema]
    local name=$1 store=$2 dir=$3 url=$4 issuer=$5 schema=${6:-}
    mkdir -p "$dir/data" "$dir/cwd"
    cp "$REPO/examples/quickstart/policy.yaml" "$dir/policy.yaml"
    sed -e "s#^issuer: .*#issuer: $issuer#" \
        -e "s#^listen: .*#listen: $url#" \
        -e "s#^environment: .*#environment: dev#" \
        -e "s#\.\./\.\./\.mandate/quickstart#$dir/data#g" \
        "$REPO/examples/quickstart/mandate.yaml" >"$dir/mandate.yaml"
    grep -q "^issuer: $issuer" "$dir/mandate.yaml" && grep -q "^data_dir: $dir/data" "$dir/mandate.yaml" \
        || die "could not rewrite examples/quickstart/mandate.yaml into a node config (has its layout changed?)"
    if [[ $store == postgres ]]; then
        cat >>"$dir/mandate.yaml" <<EOF

store: postgres
node: $name
postgres:
  connection_string_env: MANDATE_BENCH_PG
  schema: $schema
EOF
    fi
    NODE_DIR[$name]=$dir
    NODE_URL[$name]=$url
    NODE_CONFIG[$name]=$dir/mandate.yaml
    NODE_STARTS[$name]=0
}

# Nodes of one cluster must trust the same development issuers: copy the first node's dev issuer keys.
share_dev_issuers() { # from to
    mkdir -p "${NODE_DIR[$2]}/data/dev-issuers"
    cp "${NODE_DIR[$1]}"/data/dev-issuers/*.key.pem "${NODE_DIR[$2]}/data/dev-issuers/"
}

start_node() { # name
    local name=$1 log
    NODE_STARTS[$name]=$((NODE_STARTS[$name] + 1))
    log=${NODE_DIR[$name]}/node-${NODE_STARTS[$name]}.log
    (cd "${NODE_DIR[$name]}/cwd" && exec "$MANDATE" serve --config "${NODE_CONFIG[$name]}" --listen "${NODE_URL[$name]}") >"$log" 2>&1 &
    NODE_PID[$name]=$!
    wait_node "$name" "$log"
}

wait_node() { # name log
    local pid=${NODE_PID[$1]}
    for _ in $(seq 1 240); do
        kill -0 "$pid" 2>/dev/null || { cat "$2" >&2; die "node $1 exited during start-up (log above)"; }
        if curl -fsS -o /dev/null "${NODE_URL[$1]}$READY_PATH" 2>/dev/null; then
            return
        fi
        sleep 0.25
    done
    cat "$2" >&2
    die "node $1 not ready at ${NODE_URL[$1]}$READY_PATH after 60s (log above)"
}

# The start-up banner names the store the node opened; a node that is not on the store the part needs fails the run.
expect_store() { # name store
    local log=${NODE_DIR[$1]}/node-${NODE_STARTS[$1]}.log
    for _ in $(seq 1 20); do
        if grep -Eq "^  store +$2:" "$log"; then
            return
        fi
        sleep 0.1
    done
    grep -E "^  store " "$log" >&2 || true
    die "node $1 did not open a $2 store (its banner above; log $log)"
}

stop_node() { # name
    local pid=${NODE_PID[$1]:-}
    [[ -n $pid ]] || return 0
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    NODE_PID[$1]=""
}

stop_all_nodes() {
    local name
    for name in "${!NODE_PID[@]}"; do
        stop_node "$name"
    done
}

# The token-exchange body of the quickstart (agent support, user alice, refunds:write), and the refunds tool's
# own workload token (it authenticates introspection and revocation), minted by `mandate dev token`.
# `mandate dev token` wraps its output at 80 columns when redirected; a JWT has no newlines of its own.
mint_tokens() { # config outdir
    local actor user tool
    actor=$("$MANDATE" dev token --config "$1" --issuer workloads --sub "$AGENT" --ttl 2h | tr -d '\n')
    user=$("$MANDATE" dev token --config "$1" --issuer acme-idp --sub "$USER_SUB" --tenant "$TENANT" --ttl 2h | tr -d '\n')
    tool=$("$MANDATE" dev token --config "$1" --issuer workloads --sub "$TOOL_ID" --ttl 2h | tr -d '\n')
    [[ $actor == *.*.* && $user == *.*.* && $tool == *.*.* ]] || die "mandate dev token did not print JWTs"
    {
        printf 'grant_type=%s' "$(urlencode urn:ietf:params:oauth:grant-type:token-exchange)"
        printf '&subject_token=%s&subject_token_type=%s' "$user" "$(urlencode urn:ietf:params:oauth:token-type:jwt)"
        printf '&actor_token=%s&actor_token_type=%s' "$actor" "$(urlencode urn:ietf:params:oauth:token-type:jwt)"
        printf '&resource=%s&scope=%s' "$(urlencode "$RESOURCE")" "$(urlencode "$SCOPE")"
    } >"$2/body.form"
    printf '%s' "$tool" >"$2/tool.jwt"
    printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\nwrk.body = "%s"\n' \
        "$(<"$2/body.form")" >"$2/post.lua"
}

exchange_once() { # url bodyfile out
    local status
    status=$(curl -sS -o "$3" -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' \
        --data-binary "@$2" "$1/oauth2/token") || die "exchange on $1 failed"
    [[ $status == 200 ]] && grep -q '"access_token"' "$3" \
        || { cat "$3" >&2; echo >&2; die "$1 answered HTTP $status to the exchange, not 200 with an access_token (body above)"; }
}

cpu_ticks() { # utime + stime of every thread of the process; fields 14 and 15 of /proc/PID/stat
    local stat
    stat=$(<"/proc/$1/stat")
    stat=${stat##*) }
    awk '{ print $12 + $13 }' <<<"$stat"
}
