#!/usr/bin/env bash
# Wrap the .app in a compressed disk image with an Applications link to drag it onto.
#   packaging/macos/make_dmg.sh "dist/Unsupervised Explorer.app" dist/installers/NAME.dmg
# packaging/build.py runs it on macOS. Needs hdiutil (part of macOS). The .app already has its
# icon: resources/icon/icon.icns, drawn by packaging/make_icon.py (no iconutil needed).
set -euo pipefail
app=$1
out=$2
name=$(basename "$app" .app)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
ditto "$app" "$stage/$(basename "$app")"  # keeps symlinks and the signature
ln -s /Applications "$stage/Applications"
mkdir -p "$(dirname "$out")"
rm -f "$out"
hdiutil create -volname "$name" -srcfolder "$stage" -fs HFS+ -format UDZO \
    -imagekey zlib-level=9 "$out"
echo "made $out"
