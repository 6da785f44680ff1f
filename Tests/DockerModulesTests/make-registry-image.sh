#!/usr/bin/env bash
# Usage: make-registry-image.sh
# Builds a tiny `registry:2` image from Debian's docker-registry package (the Distribution registry,
# /usr/bin/docker-registry) and saves it as a `docker save` tarball. Idempotent: the tarball is cached
# under ${SWIFTPLAY_CACHE:-$HOME/.cache/swiftplay}/registry-image/ and rebuilt only when the binary
# changes. Prints the tarball path on stdout.
# The image serves /etc/docker/registry/config.yml: storage under /var/lib/registry, port 5000;
# TLS and htpasswd auth are configured with REGISTRY_* environment variables when the container runs
# (REGISTRY_HTTP_TLS_CERTIFICATE, REGISTRY_HTTP_TLS_KEY, REGISTRY_AUTH=htpasswd,
# REGISTRY_AUTH_HTPASSWD_REALM, REGISTRY_AUTH_HTPASSWD_PATH).
# Needs: docker-registry (apt-get install docker-registry) and a Docker engine (Tests/hosts/engine.sh).
set -euo pipefail
DOCKER=${DOCKER:-/usr/bin/docker}
BIN=/usr/bin/docker-registry
CACHE=${SWIFTPLAY_CACHE:-$HOME/.cache/swiftplay}/registry-image
TAR=$CACHE/registry.tar
STAMP=$CACHE/registry.sha256

mkdir -p "$CACHE"
if [ ! -x "$BIN" ]; then
    # Without the package, a tarball built earlier is still good.
    if [ -s "$TAR" ]; then echo "$TAR"; exit 0; fi
    echo "make-registry-image.sh: $BIN missing (apt-get install docker-registry)" >&2
    exit 1
fi
sum=$(sha256sum "$BIN" | cut -d' ' -f1)
if [ -s "$TAR" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$sum" ]; then
    echo "$TAR"
    exit 0
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/bin" "$root/etc/docker/registry" "$root/var/lib/registry" "$root/tmp" "$root/etc/ssl/certs"
cp "$BIN" "$root/usr/bin/docker-registry"
# The binary's shared libraries (libc and the loader) at the same paths.
ldd "$BIN" | grep -o '/[^ ]*' | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
done
[ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
cat > "$root/etc/docker/registry/config.yml" <<'YML'
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
YML
echo 'root:x:0:0:root:/root:/bin/false' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"

tar -C "$root" -c . | "$DOCKER" import \
    -c 'ENTRYPOINT ["/usr/bin/docker-registry"]' \
    -c 'CMD ["serve","/etc/docker/registry/config.yml"]' \
    -c 'EXPOSE 5000' -c 'VOLUME ["/var/lib/registry"]' - registry:2 >/dev/null
"$DOCKER" save registry:2 -o "$TAR.tmp"
mv "$TAR.tmp" "$TAR"
echo "$sum" > "$STAMP"
echo "$TAR"
