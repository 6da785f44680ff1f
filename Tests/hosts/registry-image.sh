#!/usr/bin/env bash
# Builds a real `registry:2` image tarball (docker save format) without Docker Hub, from Debian's
# docker-registry package (Distribution 2.8): the binary (at /bin/registry, as in the Docker Hub image),
# libc and the loader in a tiny root filesystem. Used by the registry end-to-end scenarios and DockerModulesTests.
# Usage: registry-image.sh OUT.tar      (skips when OUT.tar exists)
set -euo pipefail
out=${1:?usage: registry-image.sh OUT.tar}
[ -s "$out" ] && { echo "registry-image.sh: $out already built" >&2; exit 0; }
DOCKER=/usr/bin/docker
work=$(mktemp -d /tmp/rg-image.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download docker-registry >/dev/null 2>&1 || { apt-get update -qq; apt-get download docker-registry >/dev/null; }
dpkg-deb -x docker-registry_*.deb pkg
root=$work/rootfs
mkdir -p "$root"/{bin,etc/docker/registry,etc/ssl/certs,var/lib/registry,tmp}
chmod 1777 "$root/tmp"
cp pkg/usr/bin/docker-registry "$root/bin/registry"
for lib in $(ldd pkg/usr/bin/docker-registry | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"
done
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/" 2>/dev/null || true
printf 'root:x:0:0:root:/root:/bin/registry\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
cat > "$root/etc/docker/registry/config.yml" <<'CONF'
version: 0.1
log:
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: /var/lib/registry
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
CONF
tmptag=rg-e2e-build/registry:$$
tar -C "$root" -c . | "$DOCKER" import \
    -c 'ENTRYPOINT ["/bin/registry"]' -c 'CMD ["serve", "/etc/docker/registry/config.yml"]' \
    -c 'EXPOSE 5000' - "$tmptag" >/dev/null
"$DOCKER" save -o saved.tar "$tmptag"
"$DOCKER" rmi "$tmptag" >/dev/null
# Retag as registry:2 inside the archive (no shared tag is touched on this machine's engine).
mkdir saved && tar -C saved -xf saved.tar
python3 - saved <<'PY'
import json, sys, os
d = sys.argv[1]
m = json.load(open(os.path.join(d, 'manifest.json')))
for e in m:
    e['RepoTags'] = ['registry:2']
json.dump(m, open(os.path.join(d, 'manifest.json'), 'w'))
p = os.path.join(d, 'repositories')
if os.path.exists(p):
    r = json.load(open(p)); v = list(list(r.values())[0].values())[0]
    json.dump({'registry': {'2': v}}, open(p, 'w'))
idx = os.path.join(d, 'index.json')
if os.path.exists(idx):
    i = json.load(open(idx))
    for man in i.get('manifests', []):
        man.setdefault('annotations', {})['io.containerd.image.name'] = 'docker.io/library/registry:2'
        man['annotations']['org.opencontainers.image.ref.name'] = '2'
    json.dump(i, open(idx, 'w'))
PY
mkdir -p "$(dirname "$out")"
tar -C saved -cf "$out.tmp" $(ls saved) && mv "$out.tmp" "$out"
echo "registry-image.sh: wrote $out ($(du -h "$out" | cut -f1))" >&2
