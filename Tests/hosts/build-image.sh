#!/usr/bin/env bash
# Builds the Debian 12 test-host image ($IMAGE) once: systemd as PID 1, sshd, sudo, python3.
# Skips when the image exists and was built by this version of the script. The debootstrap result is
# cached as a tarball in $CACHE, so a rebuild only redoes the (quick) customisation. Also creates, in $KEYDIR:
#   id_ed25519(.pub)        client key authorised for root, tester and nopass
#   ssh_host_*_key(.pub)    the image's host keys (stable, so known_hosts can be written ahead)
#   tester_password         password of users `tester` (sudo asks for it), `nopass` (NOPASSWD sudo) and
#                           `kbdonly` (may only log in with keyboard-interactive)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
PACKAGES=systemd,systemd-sysv,openssh-server,python3,sudo,ca-certificates,iproute2,dbus,curl,acl,file,locales,less,procps,apt-utils
# The debootstrap tarball is rebuilt when the package list changes.
TARBALL=$CACHE/debootstrap-bookworm-$(echo "$PACKAGES" | sha256sum | cut -c1-12).tar

"$here/engine.sh"

mkdir -p "$KEYDIR"
chmod 700 "$KEYDIR"
[ -f "$KEYDIR/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C swiftplay-test -f "$KEYDIR/id_ed25519"
for t in ed25519 ecdsa rsa; do
    [ -f "$KEYDIR/ssh_host_${t}_key" ] || ssh-keygen -q -t "$t" -N '' -C swiftplay-testhost -f "$KEYDIR/ssh_host_${t}_key"
done
if [ ! -s "$KEYDIR/tester_password" ]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$KEYDIR/tester_password")
fi

# The image is tied to this script and to these keys (another cache means other keys: rebuild).
RECIPE=$(cat "$0" "$KEYDIR"/*.pub "$KEYDIR/tester_password" | sha256sum | cut -c1-16)
if "$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1 \
   && [ "$("$DOCKER" image inspect -f '{{index .Config.Labels "swiftplay.recipe"}}' "$IMAGE")" = "$RECIPE" ]; then
    echo "build-image.sh: $IMAGE already present" >&2
    exit 0
fi

work=$(mktemp -d /tmp/swiftplay-rootfs.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
if [ ! -f "$TARBALL" ]; then
    command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
    echo "build-image.sh: debootstrap bookworm into $root (about a minute)" >&2
    debootstrap --variant=minbase --include="$PACKAGES" \
        bookworm "$root" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
        || { tail -n 30 "$work/debootstrap.log" >&2; echo "build-image.sh: debootstrap failed" >&2; exit 1; }
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -cf "$TARBALL.tmp" .
    mv "$TARBALL.tmp" "$TARBALL"
else
    mkdir -p "$root"
    tar -C "$root" -xf "$TARBALL"
fi

printf 'deb http://deb.debian.org/debian bookworm main\n' > "$root/etc/apt/sources.list"
echo 'en_US.UTF-8 UTF-8' > "$root/etc/locale.gen"
chroot "$root" locale-gen >/dev/null
echo 'LANG=en_US.UTF-8' > "$root/etc/default/locale"

cp "$KEYDIR"/ssh_host_*_key "$KEYDIR"/ssh_host_*_key.pub "$root/etc/ssh/"
chmod 600 "$root"/etc/ssh/ssh_host_*_key
cat > "$root/etc/ssh/sshd_config.d/swiftplay-test.conf" <<'CONF'
# Test hosts only: password and keyboard-interactive logins are tested too.
PasswordAuthentication yes
KbdInteractiveAuthentication yes
PermitRootLogin prohibit-password
UseDNS no
MaxStartups 200:30:400
MaxSessions 100
# kbdonly can only log in with keyboard-interactive (tests that method alone).
Match User kbdonly
    AuthenticationMethods keyboard-interactive
CONF
# No 2 s delay after a failed password (sshd, sudo): failure tests stay fast.
sed -i 's/pam_unix.so nullok$/pam_unix.so nullok nodelay/' "$root/etc/pam.d/common-auth"
chroot "$root" systemctl enable ssh >/dev/null 2>&1
# Units that only fail or slow boot inside a container.
chroot "$root" systemctl mask systemd-udevd.service systemd-udev-trigger.service getty@tty1.service \
    console-getty.service systemd-logind.service >/dev/null 2>&1 || true

pw=$(cat "$KEYDIR/tester_password")
for u in tester nopass kbdonly; do
    chroot "$root" useradd -m -s /bin/bash "$u"
    echo "$u:$pw" | chroot "$root" chpasswd
done
chroot "$root" usermod -aG sudo tester          # sudo with password (Debian default for %sudo)
echo 'nopass ALL=(ALL:ALL) NOPASSWD: ALL' > "$root/etc/sudoers.d/nopass"
chmod 440 "$root/etc/sudoers.d/nopass"
for home in root home/tester home/nopass; do
    install -d -m 700 "$root/$home/.ssh"
    install -m 600 "$KEYDIR/id_ed25519.pub" "$root/$home/.ssh/authorized_keys"
done
chroot "$root" chown -R tester:tester /home/tester/.ssh
chroot "$root" chown -R nopass:nopass /home/nopass/.ssh

echo "build-image.sh: importing the customised root filesystem as $IMAGE" >&2
"$DOCKER" import -c 'CMD ["/sbin/init"]' -c "LABEL swiftplay.recipe=$RECIPE" -c 'ENV container=docker' \
    - "$IMAGE" < <(tar -C "$root" -c .) >/dev/null
echo "build-image.sh: built $IMAGE" >&2
