# Helpers for the end-to-end scripts (sourced).
# shellcheck shell=bash
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DOCKER=/usr/bin/docker
PASS=0
FAIL=0
FAILED_CHECKS=()

# RG_E2E_ENGINE=swiftplay (default) or ansible (ansible-playbook from $ANSIBLE_PLAYBOOK, for comparison).
ENGINE=${RG_E2E_ENGINE:-swiftplay}
SWIFTPLAY=${SWIFTPLAY:-$REPO/.build/debug/swiftplay}
ANSIBLE_PLAYBOOK=${ANSIBLE_PLAYBOOK:-ansible-playbook}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

pass() { PASS=$((PASS + 1)); echo "PASS: $1"; }
fail() { FAIL=$((FAIL + 1)); FAILED_CHECKS+=("$1"); echo "FAIL: $1${2:+ -- $2}"; }

# check NAME CMD...: PASS when CMD exits 0.
check() {
    local name=$1; shift
    if "$@"; then pass "$name"; else fail "$name"; fi
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; fi
}

# check_digest NAME EXPECTED ACTUAL: equal and non-empty (an image that was never pushed cannot pass).
check_digest() {
    if [ -n "$2" ] && [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '${2:-<no digest>}', got '${3:-<nothing>}'"; fi
}

# check_idempotent NAME LOGNAME RC HOST: the run succeeded and HOST's recap says changed=0 failed=0.
check_idempotent() {
    local got; got="$3:$(recap_field "$2" "$4" changed):$(recap_field "$2" "$4" failed)"
    check_eq "$1" "0:0:0" "$got"
}

summary() {
    echo
    if [ "$FAIL" -gt 0 ]; then
        printf 'failed checks:\n'; printf '  %s\n' "${FAILED_CHECKS[@]}"
    fi
    echo "$PASS passed, $FAIL failed"
    [ "$FAIL" -eq 0 ]
}

ensure_engine_built() {
    [ "$ENGINE" = swiftplay ] || return 0
    if [ ! -x "$SWIFTPLAY" ]; then
        log "building swiftplay (swift build)"
        (cd "$REPO" && swift build >"$LOGDIR/swift-build.log" 2>&1) || { tail -30 "$LOGDIR/swift-build.log" >&2; return 1; }
    fi
}

# play LOGNAME INVENTORY PLAYBOOK [ARGS...]: runs the playbook from the repository root, output in
# $LOGDIR/LOGNAME.log; returns the engine's exit code.
play() {
    local name=$1 inv=$2 pb=$3; shift 3
    local logf=$LOGDIR/$name.log
    local t0=$SECONDS rc
    if [ "$ENGINE" = ansible ]; then
        (cd "$REPO" && ANSIBLE_CONFIG=$REPO/swiftplay.cfg ANSIBLE_FORCE_COLOR=0 \
            "$ANSIBLE_PLAYBOOK" -i "$inv" "Playbooks/$pb" "$@") >"$logf" 2>&1
    else
        (cd "$REPO" && "$SWIFTPLAY" -i "$inv" "$pb" "$@") >"$logf" 2>&1
    fi
    rc=$?
    log "$name: $pb $(echo "$*" | sed -E 's/("password": ")[^"]*"/\1***"/g') -> rc=$rc ($((SECONDS - t0))s, log $logf)"
    if [ $rc -ne 0 ]; then tail -n 25 "$logf" | sed 's/^/    | /' >&2; fi
    return $rc
}

# recap_field LOGNAME HOST FIELD: the number after FIELD= on HOST's PLAY RECAP line.
recap_field() {
    sed -n "/PLAY RECAP/,\$p" "$LOGDIR/$1.log" | grep -E "^$2[[:space:]]+:" | tail -1 \
        | grep -oE "$3=[0-9]+" | cut -d= -f2
}

# on HOST CMD: run a shell command on a test host over SSH (127.0.0.1 published port).
on() {
    local host=$1; shift
    ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
        -o ConnectTimeout=5 -i "$KEY" -p "$(host_port "$host")" root@127.0.0.1 "$@"
}

to_host() { # to_host HOST SRC DEST
    scp -q -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
        -i "$KEY" -P "$(host_port "$1")" "$2" "root@127.0.0.1:$3"
}

host_port() { echo $((BASE_PORT + ${1#"$PREFIX"} - 1)); }

# wait_until SECONDS CMD...: retry CMD every 2s.
wait_until() {
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do
        [ $SECONDS -ge $deadline ] && return 1
        sleep 2
    done
}
