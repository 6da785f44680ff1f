#!/usr/bin/env bash
# The same 20-task playbook (10 directories, 5 file contents, 5 lines, looped) on N test hosts with
# swiftplay, ansible-core (pipelining + ControlPersist) and pyinfra (an equivalent deploy file):
# first run and no-change rerun, wall times and ratios.
# Usage: [RUNS=3] bench/playbook/run.sh [N hosts, default 5]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
n=${1:-5}
cache=${SWIFTPLAY_CACHE:-$HOME/.cache/swiftplay}
export SWIFTPLAY_HOSTS_BASE_PORT=${BENCH_PORT:-2701} SWIFTPLAY_HOSTS_DIR=$cache/bench-hosts
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$root" && swift build -c release --product swiftplay >/dev/null)
bin=$root/.build/release/swiftplay
venv=$cache/bench-venv
[ -x "$venv/bin/pyinfra" ] && [ -x "$venv/bin/ansible-playbook" ] || {
    python3 -m venv "$venv" && "$venv/bin/pip" install -q ansible-core pyinfra
}
"$root/Tests/hosts/engine.sh"
"$root/Tests/hosts/start.sh" "$n" bh >/dev/null
inv=$SWIFTPLAY_HOSTS_DIR/inventory.ini
key=$cache/testhost-keys/id_ed25519

cat > "$work/play.yml" <<'YML'
- hosts: all
  gather_facts: false
  tasks:
    - name: directories
      file: path=/opt/bench/dir{{ item }} state=directory mode=0755
      loop: "{{ range(1, 11) | list }}"
    - name: file contents
      copy: dest=/opt/bench/dir{{ item }}/file.conf content="setting={{ item }}\n" mode=0644
      loop: "{{ range(1, 6) | list }}"
    - name: lines
      lineinfile: path=/opt/bench/lines.conf line="line {{ item }}" create=yes
      loop: "{{ range(1, 6) | list }}"
YML
cat > "$work/deploy.py" <<'PY'
from pyinfra.operations import files
for i in range(1, 11):
    files.directory(name=f"dir{i}", path=f"/opt/bench/dir{i}", mode="755")
for i in range(1, 6):
    files.put(name=f"content{i}", src=__import__("io").StringIO(f"setting={i}\n"), dest=f"/opt/bench/dir{i}/file.conf", mode="644")
for i in range(1, 6):
    files.line(name=f"line{i}", path="/opt/bench/lines.conf", line=f"line {i}")
PY
python3 - "$inv" "$key" "$work/inventory.py" <<'PY'
import sys, re
inv, key, out = sys.argv[1:]
hosts = []
for line in open(inv):
    m = re.match(r"^(\S+) ansible_host=(\S+) ansible_port=(\d+)", line)
    if m: hosts.append((m.group(2), int(m.group(3))))
with open(out, "w") as f:
    f.write("hosts = [\n")
    for h, p in hosts:
        f.write(f"  ('{h}:{p}', {{'ssh_hostname': '{h}', 'ssh_port': {p}, 'ssh_user': 'root', 'ssh_key': '{key}', 'ssh_known_hosts_file': '/dev/null', 'ssh_strict_host_key_checking': 'off'}}),\n")
    f.write("]\n")
PY
reset() { for i in $(seq 1 "$n"); do /usr/bin/docker exec "bh$i" rm -rf /opt/bench; done; }
secs() { local s e; s=$(date +%s%N); "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; return 1; }; e=$(date +%s%N); awk "BEGIN {printf \"%.2f\", ($e - $s) / 1e9}"; }

export ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_PIPELINING=True ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=/dev/null" ANSIBLE_FORKS=50
# Each tool: RUNS rounds of (reset hosts, first run, no-change rerun); medians are printed.
runs=${RUNS:-3}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
measure() {  # measure VAR_PREFIX COMMAND...: sets ${VAR_PREFIX}1 (first) and ${VAR_PREFIX}2 (rerun) medians
    local prefix=$1; shift
    local firsts=() reruns=() i
    for i in $(seq 1 "$runs"); do
        reset
        firsts+=("$(secs "$@")") || return 1
        reruns+=("$(secs "$@")") || return 1
    done
    printf -v "${prefix}1" '%s' "$(median "${firsts[@]}")"
    printf -v "${prefix}2" '%s' "$(median "${reruns[@]}")"
    echo "$prefix: first ${firsts[*]}; rerun ${reruns[*]}" >&2
}
measure sp "$bin" -i "$inv" -f 50 "$work/play.yml" -e ansible_host_key_checking=false
measure an "$venv/bin/ansible-playbook" -i "$inv" "$work/play.yml" -e ansible_python_interpreter=/usr/bin/python3
measure py "$venv/bin/pyinfra" -y "$work/inventory.py" "$work/deploy.py"
ratio() { awk "BEGIN {printf \"%.1f\", $1 / $2}"; }
printf '%-12s %10s %10s   (median of %s rounds)\n' tool "first (s)" "rerun (s)" "$runs"
printf '%-12s %10s %10s\n' swiftplay "$sp1" "$sp2" ansible-core "$an1" "$an2" pyinfra "$py1" "$py2"
echo "hosts: $n; swiftplay vs ansible-core: first $(ratio "$an1" "$sp1")x, rerun $(ratio "$an2" "$sp2")x; vs pyinfra: first $(ratio "$py1" "$sp1")x, rerun $(ratio "$py2" "$sp2")x"
"$root/Tests/hosts/stop.sh" bh >/dev/null 2>&1 || true
