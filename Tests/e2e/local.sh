#!/usr/bin/env bash
# The README's main job on this machine itself:
#   swiftplay -i inventories/local.ini deploy-server.yml      (from the repository root)
# then checks that the registry answers on 127.0.0.1:5000 (TLS verified with artifacts/localhost/ca.crt,
# 401 anonymous, 200 with the generated admin password), that a second run changes nothing, and
# uninstalls it again. RG_E2E_ENGINE=ansible uses ansible-playbook instead of swiftplay.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
LOGDIR=${RG_E2E_WORK:-/tmp/rg-e2e-local}/logs
rm -rf "$LOGDIR"; mkdir -p "$LOGDIR"
ART=$REPO/artifacts/localhost
extra=()
[ "$ENGINE" = ansible ] && extra=(-e ansible_python_interpreter=/usr/bin/python3)

ensure_engine_built || { fail "build swiftplay"; summary; exit 1; }
if [ "$ENGINE" = swiftplay ]; then
    # Verbatim README command, from the repository root.
    (cd "$REPO" && "$SWIFTPLAY" -i inventories/local.ini deploy-server.yml) >"$LOGDIR/deploy.log" 2>&1
    rc=$?
else
    play deploy "$REPO/Inventories/local.ini" deploy-server.yml "${extra[@]}"; rc=$?
fi
[ $rc -eq 0 ] || tail -n 25 "$LOGDIR/deploy.log" >&2
check "local: swiftplay -i inventories/local.ini deploy-server.yml succeeds" [ $rc -eq 0 ]
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@"; }
check_eq "local: https://127.0.0.1:5000/v2/ answers 401 (CA artifacts/localhost/ca.crt)" 401 \
    "$(code --cacert "$ART/ca.crt" https://127.0.0.1:5000/v2/)"
check_eq "local: with the generated admin password it answers 200" 200 \
    "$(code --cacert "$ART/ca.crt" -u "admin:$(cat "$ART/admin.password" 2>/dev/null)" https://localhost:5000/v2/)"
check_eq "local: admin.password is mode 600" 600 "$(stat -c %a "$ART/admin.password" 2>/dev/null)"
play redeploy "$REPO/Inventories/local.ini" deploy-server.yml "${extra[@]}"
check_eq "local: second run reports changed=0" 0 "$(recap_field redeploy localhost changed)"
check "local: the generated password is not in the output" \
    bash -c "! grep -qF '$(cat "$ART/admin.password" 2>/dev/null)' '$LOGDIR'/*.log"
play uninstall "$REPO/Inventories/local.ini" deploy-server.yml --tags uninstall "${extra[@]}"
check "local: deploy-server.yml --tags uninstall succeeds" [ $? -eq 0 ]
check_eq "local: after uninstall nothing answers on 127.0.0.1:5000" 000 "$(code -k https://127.0.0.1:5000/v2/)"
summary
