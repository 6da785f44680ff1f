#!/usr/bin/env bash
# Runs the same playbooks with swiftplay and with ansible-core (local connection) and compares
# what users see: every output line (timestamps normalized), the PLAY RECAP and the exit code.
# Usage: Tests/engine-compat/run.sh [case.yml ...]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
swiftplay=${SWIFTPLAY_BIN:-$root/.build/debug/swiftplay}
venv=$("$root/Tests/ansible-venv.sh") || exit 1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
normalize() {
    sed -E -e 's/"(delta|start|end)": "[^"]*"/"\1": "X"/g' \
           -e '/^\[WARNING\]: .*interpreter/,/^$/d' "$1"
}
cd "$here/cases"
# case|extra arguments
cases=(
  "precedence.yml|" "precedence.yml|-e extra=fromcli -e prec=extra"
  "handlers.yml|" "loops.yml|" "includes.yml|" "failures.yml|" "fatal.yml|" "until_serial.yml|"
  "roles_blocks_tags.yml|" "roles_blocks_tags.yml|--tags blk" "roles_blocks_tags.yml|--tags special"
  "roles_blocks_tags.yml|--skip-tags always" "roles_blocks_tags.yml|--list-tasks" "roles_blocks_tags.yml|--list-tags"
  "handlers.yml|--list-tasks" "precedence.yml|--list-hosts" "precedence.yml|--limit web:!h2 --list-hosts"
  "failures.yml|--check" "loops.yml|--syntax-check"
  "runtime_inventory.yml|" "unreachable.yml|" "module_defaults.yml|" "order.yml|"
  "batched_loops.yml|" "batched_loops.yml|--diff" "vault_filters.yml|"
)
# set_stats output (CUSTOM STATS after the recap) is compared too.
export ANSIBLE_SHOW_CUSTOM_STATS=1
passed=0 failed=0
for entry in "${cases[@]}"; do
    pb=${entry%%|*}; args=${entry#*|}
    if [ $# -gt 0 ] && [[ " $* " != *" $pb "* ]]; then continue; fi
    # shellcheck disable=SC2086
    ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 "$venv/bin/ansible-playbook" -f 1 -i inventory.ini "$pb" $args > "$out/a.raw" 2>&1
    a_rc=$?
    # shellcheck disable=SC2086
    NO_COLOR=1 "$swiftplay" -f 1 -i inventory.ini "$pb" $args > "$out/s.raw" 2>&1
    s_rc=$?
    normalize "$out/a.raw" > "$out/a"; normalize "$out/s.raw" > "$out/s"
    # ansible-playbook lists hosts from a Python set: its order is random, so compare sorted.
    if [[ "$args" == *--list-hosts* ]]; then sort -o "$out/a" "$out/a"; sort -o "$out/s" "$out/s"; fi
    diff -u "$out/a" "$out/s" > "$out/diff"; same=$?
    if [ "$a_rc" = "$s_rc" ] && [ "$same" = 0 ]; then
        echo "PASS $pb $args (exit $s_rc)"
        passed=$((passed + 1))
    else
        echo "FAIL $pb $args (ansible exit $a_rc, swiftplay exit $s_rc)"
        sed 's/^/    /' "$out/diff" | head -${SWIFTPLAY_DIFF_LINES:-60}
        failed=$((failed + 1))
    fi
done
echo "engine-compat: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
