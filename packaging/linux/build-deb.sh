#!/bin/sh
# Build the .deb from a PyInstaller one-folder bundle (dpkg-deb only: no debhelper needed).
#   packaging/linux/build-deb.sh dist/kiosk-0.1.0 dist
# Installs /opt/credit-care-kiosk (the bundle), /usr/bin/kiosk and /usr/bin/kiosk-admin,
# the systemd user unit and a menu entry. Debian-based: Debian, 统信UOS, 麒麟 Kylin.
# The desktop's libraries (X11/xcb, fontconfig, D-Bus, GLib) are not in the bundle
# (build.spec): they are the Depends below.
set -eu
bundle=${1:?usage: build-deb.sh BUNDLE_DIR OUT_DIR}
out=${2:?usage: build-deb.sh BUNDLE_DIR OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
version=$(cat "$bundle/VERSION")
arch=$(dpkg --print-architecture)
name=credit-care-kiosk
prefix=/opt/$name

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"
mkdir -p "$stage/DEBIAN" "$stage$prefix" "$stage/usr/bin" "$stage/usr/lib/systemd/user" \
         "$stage/usr/share/applications" "$stage/usr/share/doc/$name"
cp -a "$bundle/." "$stage$prefix/"
cp "$here/README.txt" "$stage$prefix/README.txt"
ln -s "$prefix/kiosk" "$stage/usr/bin/kiosk"
ln -s "$prefix/kiosk-admin" "$stage/usr/bin/kiosk-admin"
sed "s|@PREFIX@|$prefix|g" "$here/$name.service" > "$stage/usr/lib/systemd/user/$name.service"
cp "$here/$name.desktop" "$stage/usr/share/applications/$name.desktop"
printf 'Credit-care kiosk %s\nProprietary; bundled third-party components keep their own licences.\n' \
    "$version" > "$stage/usr/share/doc/$name/copyright"

# The newest glibc symbol version any bundled binary needs: the oldest system it runs on.
glibc=$(find "$stage$prefix" -type f \( -name '*.so*' -o -name kiosk \) -exec objdump -T {} + 2>/dev/null \
        | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -t. -k1,1n -k2,2n -k3,3n | tail -1)
installed_kb=$(du -sk "$stage" | cut -f1)

cat > "$stage/DEBIAN/control" <<CONTROL
Package: $name
Version: $version
Architecture: $arch
Maintainer: Credit-care kiosk team <kiosk-it@hospital.invalid>
Installed-Size: $installed_kb
Section: misc
Priority: optional
Depends: libc6 (>= ${glibc:-2.31}), libegl1, libgl1, libx11-6, libx11-xcb1, libxcb1, libxcb-cursor0,
 libxcb-glx0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0, libxcb-render0,
 libxcb-render-util0, libxcb-shape0, libxcb-shm0, libxcb-sync1, libxcb-util1, libxcb-xfixes0,
 libxcb-xkb1, libxkbcommon0, libxkbcommon-x11-0, libfontconfig1, libfreetype6, libdbus-1-3,
 libglib2.0-0, libexpat1, libpng16-16, zlib1g, fonts-wqy-microhei | fonts-noto-cjk
Recommends: pcscd, cups-client, alsa-utils
Description: Credit-based medical care kiosk and cashier desk (信用就医自助机)
 A self-service kiosk and cashier-window client for credit-based medical care in
 hospitals: identify a patient by ID card, settle outpatient bills on the patient's
 credit line, print receipts. Includes kiosk-admin for IT staff and a systemd user
 unit for autostart in a kiosk session.
CONTROL

cat > "$stage/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
# Autostart is a choice per machine: see /opt/credit-care-kiosk/README.txt
# (systemctl --global enable credit-care-kiosk). Nothing is enabled here.
exit 0
POSTINST
chmod 0755 "$stage/DEBIAN/postinst"

mkdir -p "$out"
deb="$out/${name}_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
