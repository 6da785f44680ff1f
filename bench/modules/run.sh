#!/usr/bin/env bash
# Each module once (first run, changes the host) and again (no change) on one test host with a warm
# connection: remote operations per task (the -vvvv `<host> EXEC|PUT|FETCH` lines) and milliseconds
# per task (the json output's task durations, from a second pass on a reset host), as a table.
# Usage: bench/modules/run.sh    (SWIFTPLAY_BIN=path skips the release build)
# Hosts: BENCH_PREFIX (bmod-h), BENCH_PORT (2731), BENCH_HOSTS_DIR; BENCH_KEEP_HOSTS=1 leaves the host running.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${SWIFTPLAY_CACHE:-$HOME/.cache/swiftplay}
prefix=${BENCH_PREFIX:-bmod-h}
export SWIFTPLAY_HOSTS_BASE_PORT=${BENCH_PORT:-2731} SWIFTPLAY_HOSTS_DIR=${BENCH_HOSTS_DIR:-$cache/bench-modules-hosts}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "${SWIFTPLAY_BIN:-}" ]; then
    (cd "$root" && swift build -c release --product swiftplay >/dev/null)
    SWIFTPLAY_BIN=$root/.build/release/swiftplay
fi
"$root/Tests/hosts/engine.sh"
"$root/Tests/hosts/start.sh" 1 "$prefix" >/dev/null
host=${prefix}1
key=$cache/testhost-keys/id_ed25519
echo "$host ansible_host=127.0.0.1 ansible_port=$SWIFTPLAY_HOSTS_BASE_PORT ansible_user=root ansible_ssh_private_key_file=$key ansible_ssh_common_args='-o UserKnownHostsFile=$SWIFTPLAY_HOSTS_DIR/known_hosts'" > "$work/inventory.ini"

# Controller files for copy/template/unarchive.
mkdir -p "$work/files/tree/sub" "$work/templates"
printf 'one\n' > "$work/files/tree/one"; printf 'two\n' > "$work/files/tree/sub/two"
tar -czf "$work/files/tree.tgz" -C "$work/files" tree
printf 'name={{ inventory_hostname }}\n' > "$work/templates/t.j2"

d=/opt/spbench
cat > "$work/play.yml" <<YML
- hosts: all
  gather_facts: false
  vars: {d: $d}
  tasks:
    - name: "setup: host state the modules work on"
      shell: |
        mkdir -p $d/frags $d/www && printf 'a=1\nb=2\n' > $d/text.conf && printf '1\n' > $d/frags/1 && printf '2\n' > $d/frags/2
        printf 'hello\n' > $d/www/hello.txt
        setsid python3 -m http.server 8799 --bind 127.0.0.1 --directory $d/www >/dev/null 2>&1 < /dev/null &
        printf '[Service]\nExecStart=/bin/sleep 100000\n[Install]\nWantedBy=multi-user.target\n' > /etc/systemd/system/sp-bench.service
        systemctl daemon-reload
        ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1 || apt-get update -qq
        for i in \$(seq 50); do curl -fs http://127.0.0.1:8799/hello.txt >/dev/null && break; sleep 0.1; done
    - {name: "command #1", command: "touch $d/cmd creates=$d/cmd"}
    - {name: "command #2", command: "touch $d/cmd creates=$d/cmd"}
    - {name: "shell #1", shell: "echo x > $d/sh", args: {creates: "$d/sh"}}
    - {name: "shell #2", shell: "echo x > $d/sh", args: {creates: "$d/sh"}}
    - {name: "ping #1", ping: {}}
    - {name: "ping #2", ping: {}}
    - {name: "setup #1", setup: {gather_subset: [min]}}
    - {name: "setup #2", setup: {gather_subset: [min]}}
YML
add() {  # add MODULE 'ARGS (YAML flow mapping)': the task twice
    for i in 1 2; do echo "    - {name: \"$1 #$i\", $1: $2}" >> "$work/play.yml"; done
}
add file "{path: $d/dir, state: directory, mode: '0750'}"
add copy "{content: \"x=1\\n\", dest: $d/copy.conf, mode: '0640'}"
add template "{src: t.j2, dest: $d/t.conf}"
add lineinfile "{path: $d/text.conf, regexp: '^a=', line: 'a=9'}"
add blockinfile "{path: $d/text.conf, block: 'managed'}"
add replace "{path: $d/text.conf, regexp: '^b=2$', replace: 'b=3'}"
add ini_file "{path: $d/conf.ini, section: s, option: k, value: v}"
add stat "{path: $d/text.conf}"
add slurp "{src: $d/text.conf}"
add fetch "{src: $d/text.conf, dest: fetched/, flat: true}"
add tempfile "{path: $d, suffix: .tmp}"
add find "{paths: $d, patterns: '*.conf'}"
add unarchive "{src: tree.tgz, dest: $d/dir}"
add archive "{path: $d/frags, dest: $d/frags.tgz}"
add assemble "{src: $d/frags, dest: $d/assembled}"
add apt "{name: tree}"
add apt_repository "{repo: 'deb http://deb.debian.org/debian bookworm-backports main', filename: spbench, update_cache: false}"
add deb822_repository "{name: spbench, uris: 'http://deb.debian.org/debian', suites: bookworm-backports, components: main, signed_by: /usr/share/keyrings/debian-archive-keyring.gpg}"
add apt_key "{file: /usr/share/keyrings/debian-archive-bullseye-security-automatic.gpg, keyring: /etc/apt/keyrings/spbench.gpg}"
add systemd_service "{name: sp-bench, state: started, enabled: true}"
add service "{name: sp-bench, state: started}"
add service_facts "{}"
add group "{name: spbench, gid: 4900}"
add user "{name: spbench, group: spbench, shell: /bin/bash}"
add authorized_key "{user: spbench, key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ4444444444444444444444444444444444444444444 bench@example'}"
add get_url "{url: 'http://127.0.0.1:8799/hello.txt', dest: $d/hello.txt, mode: '0644'}"
add uri "{url: 'http://127.0.0.1:8799/hello.txt', return_content: true}"
add wait_for "{port: 22, timeout: 10}"
add wait_for_connection "{timeout: 10}"
add mount "{path: /mnt/spbench, src: tmpfs, fstype: tmpfs, opts: size=1m, state: mounted}"
add openssl_privatekey "{path: $d/key.pem, type: ECC, curve: secp256r1}"
add htpasswd "{path: $d/htpasswd, name: bench, password: bench-secret}"

reset() {
    docker exec "$host" sh -c "
        pkill -f 'http[.]server 8799' ; umount /mnt/spbench 2>/dev/null; rmdir /mnt/spbench 2>/dev/null; sed -i '\\#/mnt/spbench#d' /etc/fstab
        systemctl disable --now sp-bench 2>/dev/null; rm -f /etc/systemd/system/sp-bench.service; systemctl daemon-reload
        userdel -r spbench 2>/dev/null; groupdel spbench 2>/dev/null
        rm -rf $d /etc/apt/keyrings/spbench.gpg /etc/apt/sources.list.d/spbench.list /etc/apt/sources.list.d/spbench.sources
        DEBIAN_FRONTEND=noninteractive apt-get -y -q purge tree >/dev/null 2>&1; true" >/dev/null 2>&1 || true
    rm -rf "$work/fetched"
}
cd "$work"
reset
"$SWIFTPLAY_BIN" -i inventory.ini play.yml -vvvv > trace.log 2>&1 || { tail -30 trace.log >&2; exit 1; }
reset
"$SWIFTPLAY_BIN" -i inventory.ini play.yml --output json > run.json 2>run.err || { tail -30 run.json run.err >&2; exit 1; }
[ -n "${BENCH_KEEP_HOSTS:-}" ] || reset

python3 - "$host" trace.log run.json <<'PY'
import sys, json, re
from datetime import datetime
host, trace, result = sys.argv[1:]
ops, task = {}, None
for line in open(trace):
    m = re.match(r"^TASK \[(.*)\] \*+$", line)
    if m: task = m.group(1); ops[task] = 0; continue
    if task and re.match(r"^<%s> (EXEC|PUT|FETCH):" % re.escape(host), line): ops[task] += 1
doc = json.load(open(result))
ms, changed = {}, {}
def t(s): return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ")
for play in doc["plays"]:
    for task in play["tasks"]:
        name, d = task["task"]["name"], task["task"]["duration"]
        ms[name] = (t(d["end"]) - t(d["start"])).total_seconds() * 1000
        r = task["hosts"].get(host, {})
        changed[name] = "failed" if r.get("failed") else ("changed" if r.get("changed") else "ok")
modules = [n[:-3] for n in ops if n.endswith(" #1")]
print("%-20s | %-27s | %-27s" % ("module", "first run", "second run"))
print("%-20s | %4s %9s  %-11s | %4s %9s  %-11s" % ("", "ops", "ms", "result", "ops", "ms", "result"))
print("-" * 80)
for m in modules:
    a, b = m + " #1", m + " #2"
    print("%-20s | %4d %9.1f  %-11s | %4d %9.1f  %-11s" % (m, ops[a], ms.get(a, 0), changed.get(a, "?"), ops[b], ms.get(b, 0), changed.get(b, "?")))
print("ops: remote operations (commands, file puts and gets) on the warm connection; ms: task wall time")
PY
