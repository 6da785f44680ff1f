#!/usr/bin/env bash
# End-to-end tests of the registry roles and playbooks on real test hosts (Debian 12, systemd, sshd),
# driven by swiftplay (RG_E2E_ENGINE=ansible runs the same with ansible-playbook for comparison).
#   Tests/e2e/run.sh                  both scenarios
#   RG_E2E_SCENARIOS=single Tests/e2e/run.sh
# Self-contained: builds the registry image tarball from Debian's docker-registry package, starts test
# hosts rg-h1..rg-h4 (ssh on 127.0.0.1:2501..2504, kept running between runs so the Docker engine
# installed inside them is reused), runs the playbooks and asserts. Prints PASS/FAIL per check and
# "N passed, M failed"; exits non-zero on any failure.
#   rg-h1        single registry: TLS (self-signed CA), two users, client of itself
#   rg-h2, rg-h3 two registries sharing S3 storage, nginx proxy on rg-h2
#   rg-h4        S3 server (moto) reached by rg-h2/rg-h3 over the docker network rg-e2e-net
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

export SWIFTPLAY_HOSTS_BASE_PORT=${SWIFTPLAY_HOSTS_BASE_PORT:-2501}
export SWIFTPLAY_HOSTS_DIR=${SWIFTPLAY_HOSTS_DIR:-/tmp/rg-hosts}
PREFIX=rg-h
BASE_PORT=$SWIFTPLAY_HOSTS_BASE_PORT
CACHE=${SWIFTPLAY_CACHE:-$HOME/.cache/swiftplay}
KEY=$CACHE/testhost-keys/id_ed25519
SCENARIOS=${RG_E2E_SCENARIOS:-single s3}
WORK=${RG_E2E_WORK:-/tmp/rg-e2e}
LOGDIR=$WORK/logs
NET=rg-e2e-net
NET_SUBNET=172.31.251.0/24
IMAGE_TAR=$CACHE/rg-registry-2.tar
T0=$SECONDS

rm -rf "$WORK"; mkdir -p "$LOGDIR" "$WORK/artifacts"; chmod 700 "$WORK"

setup() {
    ensure_engine_built || { fail "build swiftplay"; return 1; }
    command -v skopeo >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq skopeo >/dev/null; }
    "$REPO/Tests/hosts/engine.sh" || return 1
    "$REPO/Tests/hosts/registry-image.sh" "$IMAGE_TAR" || { fail "build the registry image tarball"; return 1; }
    local n=1; case " $SCENARIOS " in *" s3 "*) n=4;; esac
    log "starting $n test host(s)"
    "$REPO/Tests/hosts/start.sh" "$n" "$PREFIX" >"$LOGDIR/hosts.log" 2>&1 \
        || { cat "$LOGDIR/hosts.log" >&2; fail "start test hosts"; return 1; }
    KNOWN_HOSTS=$SWIFTPLAY_HOSTS_DIR/known_hosts
    # Test images: docker-archive tarballs with random layers (no image registry needed).
    python3 "$here/make-test-image.py" "$WORK/app-v1.tar" 300 e2e/app:v1
    python3 "$here/make-test-image.py" "$WORK/app-v2.tar" 6000 e2e/app:v2
    # Random test passwords: they must never show up in any log.
    ALICE_PW=$(head -c 24 /dev/urandom | base64 | tr -d '/+=' | cut -c1-20)
    BOB_PW=$(head -c 24 /dev/urandom | base64 | tr -d '/+=' | cut -c1-20)
    HTTP_SECRET=$(head -c 32 /dev/urandom | base64 | tr -d '/+=' | cut -c1-32)
}

# Host lines for an inventory.
host_line() {
    echo "$1 ansible_host=127.0.0.1 ansible_port=$(host_port "$1") ansible_user=root ansible_ssh_private_key_file=$KEY${2:+ $2}"
}

common_vars() {
    cat <<EOF
ansible_ssh_common_args='-o UserKnownHostsFile=$KNOWN_HOSTS'
swiftplay_known_hosts_file=$KNOWN_HOSTS
registry_image_archive=$IMAGE_TAR
registry_artifacts_dir=$WORK/artifacts
EOF
}

# ---------------------------------------------------------------- tools on the hosts
# skopeo on a host (installed once per host; hosts are reused between runs).
ensure_skopeo() {
    on "$1" 'command -v skopeo >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq skopeo >/dev/null; }'
}

# http_code HOST URL [CURL-ARGS...]
http_code() {
    local host=$1 url=$2; shift 2
    on "$host" "curl -s -o /dev/null -w '%{http_code}' --max-time 10 $* '$url'" 2>/dev/null || true
}

# code_is CODE HOST URL [CURL-ARGS...]: for wait_until (re-evaluated on each try).
code_is() { local want=$1; shift; [ "$(http_code "$@")" = "$want" ]; }

# push HOST TARBALL REF CREDS [EXTRA]: skopeo copy, prints the pushed manifest digest.
push() {
    local host=$1 tar=$2 ref=$3 creds=$4 extra=${5:-}
    to_host "$host" "$tar" "/var/tmp/$(basename "$tar")" || return 1
    on "$host" "skopeo copy -q --retry-times 2 $extra ${creds:+--dest-creds '$creds'} --digestfile /var/tmp/pushed.digest \
        docker-archive:/var/tmp/$(basename "$tar") docker://$ref >/dev/null && cat /var/tmp/pushed.digest"
}

# pull_digest HOST REF CREDS [EXTRA]: pulls the image (all blobs) into a dir: and prints its manifest digest.
pull_digest() {
    local host=$1 ref=$2 creds=$3 extra=${4:-}
    on "$host" "rm -rf /var/tmp/pulled && skopeo copy -q $extra ${creds:+--src-creds '$creds'} docker://$ref dir:/var/tmp/pulled >/dev/null \
        && echo sha256:\$(sha256sum /var/tmp/pulled/manifest.json | cut -d' ' -f1)" 2>>"$LOGDIR/skopeo.err"
}

# ---------------------------------------------------------------- scenario 1: one TLS registry
scenario_single() {
    local H=${PREFIX}1 inv=$WORK/single.ini
    {
        echo "[registry]"; host_line "$H"
        echo; echo "[registry_clients]"; echo "$H"
        echo; echo "[all:vars]"; common_vars
        echo "registry_tls=selfsigned"
        echo "registry_users=[{\"name\": \"alice\", \"password\": \"$ALICE_PW\"}, {\"name\": \"bob\", \"password\": \"$BOB_PW\"}]"
    } >"$inv"
    chmod 600 "$inv"
    local CA=/etc/docker/certs.d/$H:5000
    local CURL_TLS="--cacert $CA/ca.crt"
    local REG=127.0.0.1:5000 TLS="--dest-cert-dir $CA" STLS="--src-cert-dir $CA"

    log "scenario single: clean start (uninstall + purge from any earlier run; Docker engine kept)"
    play s1-00-cleanup "$inv" uninstall.yml -e registry_purge_data=true >/dev/null 2>&1 || true

    play s1-01-deploy "$inv" deploy-server.yml
    check "single: deploy-server.yml on a fresh host succeeds" [ $? -eq 0 ]
    check_eq "single: anonymous GET /v2/ is 401 (TLS verified with the CA)" 401 \
        "$(http_code "$H" "https://$REG/v2/" "$CURL_TLS")"
    check_eq "single: GET /v2/ with credentials is 200" 200 \
        "$(http_code "$H" "https://$REG/v2/" "$CURL_TLS -u 'alice:$ALICE_PW'")"
    check_eq "single: the certificate is valid for the registry name ($H)" 401 \
        "$(http_code "$H" "https://$H:5000/v2/" "$CURL_TLS --resolve $H:5000:127.0.0.1")"
    check "single: the CA is in /etc/docker/certs.d/$H:5000 and the system trust store" \
        on "$H" "cmp -s $CA/ca.crt /usr/local/share/ca-certificates/$H-registry-ca.crt && grep -q \"\$(sed -n 2p $CA/ca.crt)\" /etc/ssl/certs/ca-certificates.crt"
    check "single: artifacts/$H/ca.crt written on the controller" [ -s "$WORK/artifacts/$H/ca.crt" ]
    check "single: docker login stored credentials for $H:5000" on "$H" "grep -q '$H:5000' /root/.docker/config.json"

    ensure_skopeo "$H" >/dev/null 2>&1
    local d1 d2 got
    d1=$(push "$H" "$WORK/app-v1.tar" "$REG/e2e/app:v1" "alice:$ALICE_PW" "$TLS")
    check "single: skopeo pushes e2e/app:v1 through TLS and auth" [ -n "$d1" ]
    check_digest "single: pulled e2e/app:v1 has the pushed digest" "$d1" \
        "$(pull_digest "$H" "$REG/e2e/app:v1" "alice:$ALICE_PW" "$STLS")"
    check "single: anonymous pull is refused" [ -z "$(pull_digest "$H" "$REG/e2e/app:v1" "" "$STLS")" ]

    play s1-02-redeploy "$inv" deploy-server.yml
    check_idempotent "single: second deploy-server.yml run reports changed=0" s1-02-redeploy $? "$H"

    play s1-03-check "$inv" deploy-server.yml --check --diff
    check_idempotent "single: --check --diff on the deployed host reports changed=0" s1-03-check $? "$H"

    log "restarting the host container $H"
    $DOCKER restart "$H" >/dev/null
    check "single: registry answers again after 'docker restart $H'" \
        wait_until 120 code_is 401 "$H" "https://$REG/v2/" "$CURL_TLS"

    play s1-04-uninstall "$inv" deploy-server.yml --tags uninstall
    check "single: deploy-server.yml --tags uninstall succeeds" [ $? -eq 0 ]
    check_eq "single: after uninstall the registry does not answer" 000 "$(http_code "$H" "https://$REG/v2/" -k)"
    check "single: after uninstall no container, config, CA copies are left; data is kept" \
        on "$H" "! docker ps -a --format '{{.Names}}' | grep -qx registry && [ ! -e /etc/docker/registry ] && [ ! -e $CA ] \
                 && [ ! -e /usr/local/share/ca-certificates/$H-registry-ca.crt ] && [ -d /data/docker-registry/docker ]"

    play s1-05-deploy "$inv" deploy-server.yml
    check "single: redeploy after uninstall succeeds" [ $? -eq 0 ]
    check_digest "single: redeployed registry still serves e2e/app:v1" "$d1" \
        "$(pull_digest "$H" "$REG/e2e/app:v1" "alice:$ALICE_PW" "$STLS")"

    # backup, purge, deploy, restore
    play s1-06-backup "$inv" backup.yml -e "registry_backup_file=$WORK/backup/registry.tar.gz"
    check "single: backup.yml writes an archive with data, config.yml, certificates and htpasswd" \
        bash -c "tar -tzf '$WORK/backup/registry.tar.gz' > '$WORK/backup.list' && grep -q '^data/docker-registry/docker/registry/v2/repositories/e2e/app/' '$WORK/backup.list' \
                 && grep -qx 'etc/docker/registry/config.yml' '$WORK/backup.list' && grep -qx 'etc/docker/registry/certs/server.key' '$WORK/backup.list' \
                 && grep -qx 'etc/docker/registry/auth/htpasswd' '$WORK/backup.list'"
    check_eq "single: registry answers after the backup" 401 "$(http_code "$H" "https://$REG/v2/" "$CURL_TLS")"
    play s1-07-purge "$inv" uninstall.yml -e registry_purge_data=true
    check "single: uninstall.yml -e registry_purge_data=true deletes the data" on "$H" "[ ! -e /data/docker-registry ]"
    play s1-08-deploy "$inv" deploy-server.yml
    check_eq "single: deploy after purge serves an empty registry" "" \
        "$(pull_digest "$H" "$REG/e2e/app:v1" "alice:$ALICE_PW" "$STLS")"
    play s1-09-restore "$inv" restore.yml -e "registry_backup_file=$WORK/backup/registry.tar.gz"
    check "single: restore.yml succeeds" [ $? -eq 0 ]
    check_digest "single: after restore e2e/app:v1 has the same digest" "$d1" \
        "$(pull_digest "$H" "$REG/e2e/app:v1" "alice:$ALICE_PW" "$STLS")"

    # users
    check_eq "single: bob can log in before removal" 200 "$(http_code "$H" "https://$REG/v2/" "$CURL_TLS -u 'bob:$BOB_PW'")"
    play s1-10-users "$inv" users.yml -e '{"registry_users_remove": ["bob"]}'
    check "single: users.yml removing bob succeeds" [ $? -eq 0 ]
    check_eq "single: removed user bob gets 401" 401 "$(http_code "$H" "https://$REG/v2/" "$CURL_TLS -u 'bob:$BOB_PW'")"
    check_eq "single: alice still gets 200" 200 "$(http_code "$H" "https://$REG/v2/" "$CURL_TLS -u 'alice:$ALICE_PW'")"
    local carol_pw; carol_pw=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    play s1-11-users "$inv" users.yml -e "{\"registry_users\": [{\"name\": \"carol\", \"password\": \"$carol_pw\"}]}"
    check_eq "single: users.yml adds carol, who gets 200" 200 "$(http_code "$H" "https://$REG/v2/" "$CURL_TLS -u 'carol:$carol_pw'")"

    # gc: push v2 (6 MB), delete its manifest, collect
    d2=$(push "$H" "$WORK/app-v2.tar" "$REG/e2e/app:v2" "alice:$ALICE_PW" "$TLS")
    check "single: push e2e/app:v2 (6 MB layer)" [ -n "$d2" ]
    local before after
    before=$(on "$H" "du -sk /data/docker-registry | cut -f1")
    check_eq "single: DELETE of the e2e/app:v2 manifest is accepted" 202 \
        "$(http_code "$H" "https://$REG/v2/e2e/app/manifests/$d2" "$CURL_TLS -u 'alice:$ALICE_PW' -X DELETE")"
    play s1-12-gc "$inv" gc.yml
    check "single: gc.yml succeeds" [ $? -eq 0 ]
    after=$(on "$H" "du -sk /data/docker-registry | cut -f1")
    check "single: gc.yml freed the deleted tag's space (${before:-?} KB -> ${after:-?} KB)" \
        test "$(( ${before:-0} - ${after:-0} ))" -ge 5000
    check_digest "single: e2e/app:v1 still pullable with the same digest after gc" "$d1" \
        "$(pull_digest "$H" "$REG/e2e/app:v1" "alice:$ALICE_PW" "$STLS")"
    check_digest "single: registry is read-write again after gc (push works)" "$d1" \
        "$(push "$H" "$WORK/app-v1.tar" "$REG/e2e/app:again" "alice:$ALICE_PW" "$TLS")"

    # certificate rotation: same CA, new certificate, clients keep working
    local serial0 serial1
    serial0=$(on "$H" "openssl x509 -noout -serial -in /etc/docker/registry/certs/server.crt")
    play s1-13-rotate "$inv" rotate-cert.yml
    serial1=$(on "$H" "openssl x509 -noout -serial -in /etc/docker/registry/certs/server.crt")
    check "single: rotate-cert.yml installs a new certificate" test -n "$serial1" -a "$serial0" != "$serial1"
    check "single: the served certificate is the new one" \
        on "$H" "echo | openssl s_client -connect 127.0.0.1:5000 2>/dev/null | openssl x509 -noout -serial | grep -qx '$serial1'"
    check_digest "single: clients keep working after rotation (same CA)" "$d1" \
        "$(pull_digest "$H" "$REG/e2e/app:v1" "alice:$ALICE_PW" "$STLS")"

    # control
    play s1-14-stop "$inv" control.yml --tags stop
    check_eq "single: control.yml --tags stop stops the registry" 000 "$(http_code "$H" "https://$REG/v2/" -k)"
    play s1-15-start "$inv" control.yml --tags start
    check "single: control.yml --tags start starts it again" \
        wait_until 30 code_is 401 "$H" "https://$REG/v2/" "$CURL_TLS"

    # plain HTTP deployment
    play s1-16-uninstall "$inv" uninstall.yml
    play s1-17-plain "$inv" deploy-server.yml --skip-tags with_cacerts,with_proxy
    check "single: --skip-tags with_cacerts,with_proxy deploys plain HTTP with a warning" \
        grep -q "WARNING: the registry on $H serves plain HTTP" "$LOGDIR/s1-17-plain.log"
    check_eq "single: plain HTTP registry answers on http://" 401 "$(http_code "$H" "http://$REG/v2/")"
    play s1-18-uninstall "$inv" uninstall.yml
}

# ---------------------------------------------------------------- scenario 2: S3, two backends, nginx
net_ip() { $DOCKER inspect -f "{{with index .NetworkSettings.Networks \"$NET\"}}{{.IPAddress}}{{end}}" "$1"; }

scenario_s3() {
    local P=${PREFIX}2 B=${PREFIX}3 S=${PREFIX}4 inv=$WORK/s3.ini
    # Hosts run in parallel (EngineTests ParallelHostsTests guards the template-cache crash once seen
    # here); RG_E2E_FORKS=1 runs one at a time.
    local F=(--forks "${RG_E2E_FORKS:-5}")
    # Container-to-container network for the S3 server and the proxy's second backend.
    $DOCKER network inspect "$NET" >/dev/null 2>&1 || $DOCKER network create --subnet "$NET_SUBNET" "$NET" >/dev/null
    for h in "$P" "$B" "$S"; do
        [ -n "$(net_ip "$h")" ] || $DOCKER network connect "$NET" "$h"
    done
    local s3_ip b_ip; s3_ip=$(net_ip "$S"); b_ip=$(net_ip "$B")

    log "scenario s3: moto S3 server on $S ($s3_ip:9000)"
    # Wheels fetched on the controller (PyPI as this machine reaches it), installed offline on the host.
    local wheels=$CACHE/rg-moto-wheels
    if [ ! -s "$wheels/.complete" ]; then
        python3 -m pip download -q -d "$wheels" --only-binary=:all: --python-version 3.11 \
            --platform manylinux2014_x86_64 --implementation cp 'moto[server]' >"$LOGDIR/moto-download.log" 2>&1 \
            && touch "$wheels/.complete"
    fi
    if ! on "$S" '[ -x /opt/moto/bin/moto_server ]'; then
        on "$S" 'rm -rf /var/tmp/moto-wheels; mkdir -p /var/tmp/moto-wheels'
        tar -C "$wheels" -c . | on "$S" 'tar -C /var/tmp/moto-wheels -x'
    fi
    on "$S" 'set -e
        if [ ! -x /opt/moto/bin/moto_server ]; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
            python3 -m venv /opt/moto
            /opt/moto/bin/pip install -q --no-index --find-links /var/tmp/moto-wheels "moto[server]"
        fi
        systemctl is-active -q moto || systemd-run -q --unit=moto /opt/moto/bin/moto_server -H 0.0.0.0 -p 9000
        for i in $(seq 30); do curl -s -o /dev/null http://127.0.0.1:9000/ && break; sleep 1; done
        curl -s -X DELETE http://127.0.0.1:9000/rg-e2e >/dev/null || true
        curl -sf -X PUT http://127.0.0.1:9000/rg-e2e >/dev/null' >"$LOGDIR/moto.log" 2>&1
    check "s3: moto S3 server running with bucket rg-e2e" [ $? -eq 0 ]

    {
        echo "[registry]"
        host_line "$P" "registry_proxy_enabled=true registry_tls=selfsigned"
        host_line "$B" "registry_tls=none registry_behind_proxy=true"
        echo; echo "[registry_clients]"; echo "$P"; echo "$B"
        echo; echo "[all:vars]"; common_vars
        echo "registry_domain=registry.e2e"
        echo "registry_storage=s3"
        echo "registry_s3={\"bucket\": \"rg-e2e\", \"region\": \"us-east-1\", \"regionendpoint\": \"http://$s3_ip:9000\", \"accesskey\": \"e2e-access\", \"secretkey\": \"e2e-secret-key\", \"secure\": False, \"rootdirectory\": \"/registry\"}"
        echo "registry_http_secret=$HTTP_SECRET"
        echo "registry_proxy_backends=[\"127.0.0.1:5000\", \"$b_ip:5000\"]"
        echo "registry_users=[{\"name\": \"alice\", \"password\": \"$ALICE_PW\"}]"
        echo "# registry.e2e is not in DNS on the test hosts: no docker login"; echo "registry_clients_login=false"
    } >"$inv"
    chmod 600 "$inv"
    play s2-00-cleanup "$inv" uninstall.yml "${F[@]}" >/dev/null 2>&1 || true

    play s2-01-deploy "$inv" deploy-server.yml "${F[@]}"
    check "s3: deploy-server.yml on two S3 backends + nginx proxy succeeds" [ $? -eq 0 ]
    local CA=/etc/docker/certs.d/registry.e2e
    check_eq "s3: anonymous GET /v2/ through the proxy is 401" 401 \
        "$(http_code "$P" "https://127.0.0.1/v2/" "--cacert $CA/ca.crt")"
    check_eq "s3: GET /v2/ through the proxy with credentials is 200" 200 \
        "$(http_code "$P" "https://127.0.0.1/v2/" "--cacert $CA/ca.crt -u 'alice:$ALICE_PW'")"
    local sec_p sec_b
    sec_p=$(on "$P" "grep '^  secret:' /etc/docker/registry/config.yml | md5sum")
    sec_b=$(on "$B" "grep '^  secret:' /etc/docker/registry/config.yml | md5sum")
    check "s3: both backends use the same registry_http_secret" \
        test -n "$sec_p" -a "$sec_p" = "$sec_b" -a "$sec_p" != "$(echo -n | md5sum)"
    ensure_skopeo "$P" >/dev/null 2>&1; ensure_skopeo "$B" >/dev/null 2>&1
    local d dp db
    d=$(push "$P" "$WORK/app-v2.tar" "127.0.0.1/e2e/app:s3" "alice:$ALICE_PW" "--dest-cert-dir $CA")
    check "s3: skopeo pushes a 6 MB image through the proxy (TLS, auth, two backends)" [ -n "$d" ]
    dp=$(pull_digest "$P" "127.0.0.1:5000/e2e/app:s3" "" "--src-tls-verify=false")
    db=$(pull_digest "$B" "127.0.0.1:5000/e2e/app:s3" "" "--src-tls-verify=false")
    check_digest "s3: backend $P serves the pushed image (same digest)" "$d" "$dp"
    check_digest "s3: backend $B serves the pushed image (same digest)" "$d" "$db"
    check "s3: the blobs are in the S3 bucket" \
        on "$S" "curl -s 'http://127.0.0.1:9000/rg-e2e?list-type=2&prefix=registry/docker/registry/v2/blobs' | grep -q '<Key>registry/docker/registry/v2/blobs/'"
    play s2-02-redeploy "$inv" deploy-server.yml "${F[@]}"
    local rc2=$?
    check_idempotent "s3: second run reports changed=0 on $P" s2-02-redeploy $rc2 "$P"
    check_idempotent "s3: second run reports changed=0 on $B" s2-02-redeploy $rc2 "$B"
    play s2-03-uninstall "$inv" uninstall.yml "${F[@]}"
    check "s3: uninstall.yml removes the nginx site" on "$P" "[ ! -e /etc/nginx/conf.d/registry.conf ]"
}

# ---------------------------------------------------------------- main
# (in a function, so bash has read the whole file before running: editing it mid-run is safe)
main() {
    log "engine: $ENGINE; scenarios: $SCENARIOS; logs in $LOGDIR"
    if setup; then
        for s in $SCENARIOS; do "scenario_$s"; done
        # Secrets must never appear in any output.
        leaks=$(grep -l -F -e "$ALICE_PW" -e "$BOB_PW" -e "$HTTP_SECRET" -e "e2e-secret-key" "$LOGDIR"/*.log 2>/dev/null | grep -v -e cleanup || true)
        check "no password, http secret or S3 key in any playbook output" [ -z "$leaks" ]
        [ -z "$leaks" ] || log "leaks in: $leaks"
    fi
    log "total time $((SECONDS - T0))s"
    summary
}
main "$@"; exit $?
