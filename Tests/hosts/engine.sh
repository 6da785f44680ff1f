#!/usr/bin/env bash
# Ensures a Docker engine (Debian's docker.io) is installed and running on this machine.
# Idempotent. There is no systemd here, so dockerd is started in the background.
set -euo pipefail

DOCKER=/usr/bin/docker   # the engine's own client (another `docker` may shadow it on PATH)
LOG=${SWIFTPLAY_DOCKERD_LOG:-/tmp/swiftplay-dockerd.log}

need_install=()
[ -x /usr/sbin/dockerd ] && [ -x "$DOCKER" ] || need_install+=(docker.io)
command -v debootstrap >/dev/null || need_install+=(debootstrap)
command -v ssh >/dev/null && command -v ssh-keygen >/dev/null && command -v ssh-agent >/dev/null || need_install+=(openssh-client)
if [ ${#need_install[@]} -gt 0 ]; then
    echo "engine.sh: installing ${need_install[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_install[@]}" >/dev/null
fi

if "$DOCKER" info >/dev/null 2>&1; then
    exit 0
fi
# pgrep would also see the dockerd of every test host (their processes are visible here), so the
# engine's own pid file tells whether ours runs.
if ! { [ -f /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; }; then
    echo "engine.sh: starting dockerd (log: $LOG)" >&2
    rm -f /var/run/docker.pid
    setsid nohup /usr/sbin/dockerd >"$LOG" 2>&1 < /dev/null &
fi
for _ in $(seq 1 60); do
    if "$DOCKER" info >/dev/null 2>&1; then exit 0; fi
    sleep 1
done
echo "engine.sh: dockerd did not become ready in 60s; see $LOG" >&2
tail -n 20 "$LOG" >&2 || true
exit 1
