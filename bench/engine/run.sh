#!/usr/bin/env bash
# Startup + parse benchmark: a 500-task playbook with 20 roles and a 5,000-host inventory.
# Prints the median wall time of `swiftplay --syntax-check` (parses the inventory, every role and task)
# and of `ansible-playbook --syntax-check` on the same files when ansible-core is available.
# Usage: bench/engine/run.sh [runs]   (builds swiftplay in release mode first)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${1:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && swift build -c release --product swiftplay >/dev/null)
bin=$root/.build/release/swiftplay

# 5,000 hosts in 50 groups with vars, and 20 roles of 20 tasks plus 100 play tasks = 500 tasks.
{
  for g in $(seq 1 50); do
    echo "[group$g]"
    for h in $(seq 1 100); do echo "host-$g-$h ansible_host=10.$g.0.$h ansible_user=deploy weight=$h"; done
    echo "[group$g:vars]"; echo "zone=z$g"
  done
  echo "[all:vars]"; echo "ansible_connection=local"
} > "$work/hosts.ini"
mkdir -p "$work/roles"
for r in $(seq 1 20); do
  mkdir -p "$work/roles/role$r/tasks" "$work/roles/role$r/defaults" "$work/roles/role$r/handlers"
  echo "role${r}_value: $r" > "$work/roles/role$r/defaults/main.yml"
  echo "- name: restart $r" > "$work/roles/role$r/handlers/main.yml"; echo "  debug: msg=restart" >> "$work/roles/role$r/handlers/main.yml"
  for t in $(seq 1 20); do
    cat >> "$work/roles/role$r/tasks/main.yml" <<YML
- name: role $r task $t
  file:
    path: "/tmp/bench/{{ inventory_hostname }}/r$r-t$t"
    state: directory
    mode: "0755"
  when: role${r}_value | int > 0
  tags: [role$r]
  notify: restart $r
YML
  done
done
{
  echo "- hosts: all"; echo "  gather_facts: false"; echo "  roles:"
  for r in $(seq 1 20); do echo "    - role$r"; done
  echo "  tasks:"
  for t in $(seq 1 100); do
    echo "    - name: play task $t"; echo "      lineinfile: path=/tmp/bench/f$t line='line {{ item }}' create=yes"; echo "      loop: [a, b]"
  done
} > "$work/site.yml"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() {
  for _ in $(seq 1 "$runs"); do
    local s e
    s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))
  done | median
}
cd "$work"
sp=$(measure "$bin" -i hosts.ini site.yml --syntax-check)
echo "swiftplay: startup + parse of 500 tasks, 20 roles, 5,000 hosts: median ${sp} ms over $runs runs (target < 300 ms)"
ans=${ANSIBLE_PLAYBOOK:-$(command -v ansible-playbook || echo "${SWIFTPLAY_CACHE:-$HOME/.cache/swiftplay}/ansible-venv/bin/ansible-playbook")}
if [ -x "$ans" ]; then
  ap=$(measure "$ans" -i hosts.ini site.yml --syntax-check)
  echo "ansible-playbook: same files: median ${ap} ms; ratio $(awk "BEGIN {printf \"%.1f\", $ap / ($sp > 0 ? $sp : 1)}")x"
fi
