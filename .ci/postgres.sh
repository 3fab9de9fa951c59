# Sourced by .ci/run: a private PostgreSQL cluster for the postgres credential kind's tests.
# Installs PostgreSQL with apt when its binaries are missing (that needs root), initialises a throwaway
# cluster in a temp folder (as the postgres user under root, as the current user otherwise), starts it on 127.0.0.1:${MANDATE_TEST_PG_PORT:-55432} (or, that default taken, the next free one) and exports MANDATE_TEST_PG. Auth is
# scram-sha-256 over TCP with a generated superuser password (not trust): the tests prove that a dropped
# or expired role cannot log in, which only means something when the server checks passwords.
# The Unix socket lives in the private folder and uses peer auth, so no other local user gets in.

start_test_postgres() {
  if [ -n "${MANDATE_TEST_PG:-}" ]; then
    echo "postgres: using MANDATE_TEST_PG from the environment"
    return 0
  fi
  local port="${MANDATE_TEST_PG_PORT:-55432}"
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "postgres: PostgreSQL is not installed and installing it needs root. Install it once (sudo apt-get install postgresql)," >&2
      echo "          or set MANDATE_TEST_PG to a connection string of a server you may create databases and roles on." >&2
      return 1
    fi
    echo "postgres: installing PostgreSQL (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  PG_ROOT=$(mktemp -d /tmp/mandate-pg.XXXXXX)
  local password
  password=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
  (umask 077; printf '%s\n' "$password" > "$PG_ROOT/pwfile")
  if [ "$(id -u)" = 0 ]; then
    # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
    chown postgres:postgres "$PG_ROOT" "$PG_ROOT/pwfile"
  fi
  as_pg_owner "'$PG_BIN/initdb' -D '$PG_ROOT/data' -U postgres -E UTF8 --locale=C.UTF-8 --no-sync \
    --auth-host=scram-sha-256 --auth-local=peer --pwfile='$PG_ROOT/pwfile'" >/dev/null
  rm -f "$PG_ROOT/pwfile"
  # The default port may be held by another process on a shared machine: then the next ones are tried. A port named
  # in MANDATE_TEST_PG_PORT is the only one tried.
  # max_connections: the test projects run side by side, and each node of a cluster test has its own pool (up to 50
  # connections), so the default of 100 runs out.
  local tries=10
  if [ -n "${MANDATE_TEST_PG_PORT:-}" ]; then
    tries=1
  fi
  while rm -f "$PG_ROOT/server.log" && ! as_pg_owner "'$PG_BIN/pg_ctl' -D '$PG_ROOT/data' -l '$PG_ROOT/server.log' -w -o \
    \"-p $port -k '$PG_ROOT' -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start" >/dev/null; do
    tries=$((tries - 1))
    if [ "$tries" -gt 0 ] && grep -q 'Address already in use' "$PG_ROOT/server.log" 2>/dev/null; then
      echo "postgres: 127.0.0.1:$port is taken, trying $((port + 1))"
      port=$((port + 1))
      continue
    fi
    # The folder (and its log) goes with the run: show why the server did not start while it is still there.
    echo "postgres: the private cluster did not start on 127.0.0.1:$port; its log:" >&2
    cat "$PG_ROOT/server.log" >&2 2>/dev/null
    return 1
  done
  PGPASSWORD="$password" "$PG_BIN/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c 'CREATE DATABASE mandate_test' >/dev/null
  export MANDATE_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres;Password=$password;Database=mandate_test"
  export PG_BIN PG_ROOT
  echo "postgres: private cluster on 127.0.0.1:$port ($PG_ROOT)"
}

# Runs a shell command as the owner of the private cluster: postgres under root, the current user otherwise.
as_pg_owner() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/sh -c "$1"
  else
    sh -c "$1"
  fi
}

stop_test_postgres() {
  if [ -n "${PG_ROOT:-}" ] && [ -d "$PG_ROOT/data" ]; then
    as_pg_owner "'$PG_BIN/pg_ctl' -D '$PG_ROOT/data' -m fast -w stop" >/dev/null 2>&1 || true
    rm -rf "$PG_ROOT"
  fi
}
