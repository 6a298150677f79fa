#!/bin/sh
# Pack a PyInstaller one-folder bundle as credit-care-kiosk-VERSION-linux-ARCH.tar.gz with the
# systemd user unit and the README (for machines without dpkg, or to unpack by hand).
#   packaging/linux/build-tarball.sh dist/kiosk-0.1.0 dist
set -eu
bundle=${1:?usage: build-tarball.sh BUNDLE_DIR OUT_DIR}
out=${2:?usage: build-tarball.sh BUNDLE_DIR OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
version=$(cat "$bundle/VERSION")
top=credit-care-kiosk-$version

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"
cp -a "$bundle" "$stage/$top"
cp "$here/README.txt" "$stage/$top/README.txt"
sed "s|@PREFIX@|/opt/credit-care-kiosk|g" "$here/credit-care-kiosk.service" \
    > "$stage/$top/credit-care-kiosk.service"
mkdir -p "$out"
tarball="$out/$top-linux-$(uname -m).tar.gz"
tar -C "$stage" --owner=0 --group=0 --numeric-owner -czf "$tarball" "$top"
echo "$tarball"
