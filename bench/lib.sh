# Shared by the bench scripts (sourced, after they define die): loopback ports and form encoding.

# A free loopback port: one nothing answers on, chosen at random from the ephemeral-free range.
free_port() {
    local port
    for _ in $(seq 1 100); do
        port=$((20000 + RANDOM % 30000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    die "no free port found"
}

# Enough of application/x-www-form-urlencoded for SPIFFE IDs, URLs and scopes.
urlencode() { local s=$1; s=${s//%/%25}; s=${s//:/%3A}; s=${s//\//%2F}; s=${s// /+}; printf '%s' "$s"; }

# The commit a report was measured at, in backticks, marked when src or bench had uncommitted changes.
revision() {
    local commit dirty=""
    commit=$(git -C "$1" rev-parse --short HEAD 2>/dev/null || echo unknown)
    git -C "$1" status --porcelain -- src bench ':!bench/results' ':!bench/README.md' 2>/dev/null | grep -q . && dirty=" (uncommitted changes)"
    printf '`%s`%s' "$commit" "$dirty"
}

# Builds one bench project in Release, quietly.
release_build() { dotnet build "$1" -c Release -nologo -v quiet >/dev/null || die "the Release build of $1 failed"; }
