#!/usr/bin/env bash
# Usage: start.sh N [PREFIX]
# Starts N Debian 12 test hosts named PREFIX1..PREFIXN (default prefix sp-h), sshd published on
# 127.0.0.1 only, ports $SWIFTPLAY_HOSTS_BASE_PORT+0.. (default 2201..). Idempotent: running hosts are
# kept. Waits until sshd answers and systemd is up, then writes (paths printed on stdout):
#   $RUNDIR/inventory.ini   Ansible INI inventory; [PREFIX:vars] names the files below
#   $RUNDIR/known_hosts     host keys as [127.0.0.1]:PORT entries
# Tests use them through SWIFTPLAY_TEST_HOSTS=$RUNDIR/inventory.ini.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

n=${1:?usage: start.sh N [PREFIX]}
prefix=${2:-sp-h}
base=${SWIFTPLAY_HOSTS_BASE_PORT:-2201}
case $n in ''|*[!0-9]*) echo "start.sh: N must be a number, got '$n'" >&2; exit 2;; esac

"$here/build-image.sh"
mkdir -p "$RUNDIR"
key=$KEYDIR/id_ed25519

for i in $(seq 1 "$n"); do
    name=$prefix$i
    port=$((base + i - 1))
    state=$("$DOCKER" inspect -f '{{.State.Running}}' "$name" 2>/dev/null || echo missing)
    if [ "$state" = true ]; then continue; fi
    if [ "$state" = false ]; then "$DOCKER" rm -f "$name" >/dev/null; fi
    # systemd as PID 1 without --privileged: see Tests/hosts/README.md.
    "$DOCKER" run -d --name "$name" --hostname "$name" --label "$LABEL" \
        -p "127.0.0.1:$port:22" \
        --cap-add ALL --cap-drop SYS_RESOURCE \
        --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
        --cgroupns=host -v /sys/fs/cgroup:/sys/fs/cgroup:rw \
        --tmpfs /run --tmpfs /run/lock -e container=docker \
        "$IMAGE" /sbin/init >/dev/null
done

ssh_opts=(-n -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
          -o LogLevel=ERROR -o ConnectTimeout=3 -i "$key")
deadline=$((SECONDS + 120))
for i in $(seq 1 "$n"); do
    port=$((base + i - 1))
    until state=$(ssh "${ssh_opts[@]}" -p "$port" root@127.0.0.1 systemctl is-system-running 2>/dev/null) \
          || [ "$state" = degraded ]; do
        case ${state:-} in running|degraded) break;; esac
        if [ $SECONDS -ge $deadline ]; then
            echo "start.sh: $prefix$i (127.0.0.1:$port) not ready after 120s (last state: ${state:-no ssh})" >&2
            "$DOCKER" logs --tail 20 "$prefix$i" >&2 || true
            exit 1
        fi
        sleep 0.5
    done
done

# Hosts already running after the requested ones stay in the inventory (start.sh 1 after start.sh 10).
while [ "$("$DOCKER" inspect -f '{{.State.Running}}' "$prefix$((n + 1))" 2>/dev/null || true)" = true ]; do
    n=$((n + 1))
done

inv=$RUNDIR/inventory.ini
kh=$RUNDIR/known_hosts
{
    for i in $(seq 1 "$n"); do
        port=$((base + i - 1))
        for t in ed25519 ecdsa rsa; do
            printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$KEYDIR/ssh_host_${t}_key.pub")"
        done
    done
} > "$kh.tmp"
mv "$kh.tmp" "$kh"
{
    echo "# Written by Tests/hosts/start.sh; test hosts on 127.0.0.1."
    echo "[${prefix//-/_}]"
    for i in $(seq 1 "$n"); do
        echo "$prefix$i ansible_host=127.0.0.1 ansible_port=$((base + i - 1)) ansible_user=root ansible_ssh_private_key_file=$key"
    done
    echo
    echo "[${prefix//-/_}:vars]"
    echo "swiftplay_known_hosts_file=$kh"
    echo "swiftplay_tester_password_file=$KEYDIR/tester_password"
} > "$inv.tmp"
mv "$inv.tmp" "$inv"
echo "start.sh: $n host(s) ready" >&2
echo "inventory: $inv"
echo "known_hosts: $kh"
