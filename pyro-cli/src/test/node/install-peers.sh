#!/usr/bin/env bash
# Installs the MCP test peers (package.json beside this script, exact versions) once into
# ${PYRO_TEST_PEERS_CACHE:-${PYRO_CACHE_DIR:-~/.cache/pyro}}/mcp-test-peers/<hash of package.json>/
# and prints that dir. Tests call it; a fresh machine installs, later runs reuse the install
# (the fast lane's Pyro cache is an empty temp dir: scripts/test points PYRO_TEST_PEERS_CACHE at
# the user's cache, as these are downloads, not builds).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache_root="${PYRO_TEST_PEERS_CACHE:-${PYRO_CACHE_DIR:-$HOME/.cache/pyro}}/mcp-test-peers"
hash="$(cat "$here/package.json" $([[ -f "$here/package-lock.json" ]] && echo "$here/package-lock.json") | sha256sum | cut -c1-16)"
dir="$cache_root/$hash"
if [[ -f "$dir/.installed" ]]; then
  echo "$dir"
  exit 0
fi
mkdir -p "$cache_root"
exec 9>"$cache_root/.lock"
flock 9
if [[ ! -f "$dir/.installed" ]]; then
  tmp="$(mktemp -d "$cache_root/.install-XXXXXX")"
  cp "$here/package.json" "$tmp/"
  [[ -f "$here/package-lock.json" ]] && cp "$here/package-lock.json" "$tmp/"
  if [[ -f "$tmp/package-lock.json" ]]; then
    (cd "$tmp" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) >&2
  else
    (cd "$tmp" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error) >&2
  fi
  touch "$tmp/.installed"
  rm -rf "$dir"
  mv "$tmp" "$dir"
fi
echo "$dir"
