#!/bin/sh
# Install Unsupervised Explorer for this user: the program in ~/.local/share, a command in
# ~/.local/bin and an entry in the desktop's application menu. Run it again to update;
# `./install.sh --uninstall` removes everything it installed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
prefix=$data/unsupervised-explorer
bin=$HOME/.local/bin

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$prefix" "$bin/unsupervised-explorer" \
        "$data/applications/unsupervised-explorer.desktop" \
        "$data/icons/hicolor/256x256/apps/unsupervised-explorer.png"
    echo "Unsupervised Explorer removed."
    exit 0
fi

mkdir -p "$prefix" "$bin" "$data/applications" "$data/icons/hicolor/256x256/apps"
rm -rf "$prefix/unsupervised-explorer"
cp -R "$here/unsupervised-explorer" "$prefix/"
ln -sf "$prefix/unsupervised-explorer/unsupervised-explorer" "$bin/unsupervised-explorer"
cp "$here/unsupervised-explorer.png" "$data/icons/hicolor/256x256/apps/"
sed "s|^Exec=.*|Exec=\"$prefix/unsupervised-explorer/unsupervised-explorer\"|" \
    "$here/unsupervised-explorer.desktop" > "$data/applications/unsupervised-explorer.desktop"
command -v update-desktop-database >/dev/null 2>&1 \
    && update-desktop-database "$data/applications" >/dev/null 2>&1 || true
echo "Unsupervised Explorer installed: find it in your applications menu, or run"
echo "  $bin/unsupervised-explorer"
