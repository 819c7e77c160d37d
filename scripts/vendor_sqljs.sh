#!/usr/bin/env bash
# Refresh the playground's in-browser SQLite (sql.js) from the npm registry: the WASM build, its
# loader and its licence, with the version noted. Usage: scripts/vendor_sqljs.sh [version]
set -euo pipefail
VERSION="${1:-1.13.0}"
DEST="$(cd "$(dirname "$0")/.." && pwd)/app/playground/static/vendor"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack --silent "sql.js@$VERSION" >/dev/null && tar xzf "sql.js-$VERSION.tgz")
mkdir -p "$DEST"
cp "$WORK/package/dist/sql-wasm.js" "$WORK/package/dist/sql-wasm.wasm" "$DEST/"
cp "$WORK/package/LICENSE" "$DEST/sql.js.LICENSE"
printf 'sql.js %s from the npm registry (npm pack sql.js@%s): dist/sql-wasm.js, dist/sql-wasm.wasm, LICENSE\nRefresh with scripts/vendor_sqljs.sh [version]\n' \
    "$VERSION" "$VERSION" >"$DEST/VERSION"
echo "vendored sql.js $VERSION into $DEST"
