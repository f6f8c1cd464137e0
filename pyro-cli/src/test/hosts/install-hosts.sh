#!/usr/bin/env bash
# Installs the chat-host CLIs of the host-helper tests (package.json beside this script, exact
# versions) once into
#   ${PYRO_TEST_PEERS_CACHE:-${PYRO_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/pyro}}/test-peers/hosts-<hash of package.json>/
# and prints that directory. A fresh machine installs them; later runs reuse the install (the
# fast lane points PYRO_TEST_PEERS_CACHE at the user's cache: its own Pyro cache is empty).
# The packages' install scripts run: they pick each CLI's native binary for this platform. No
# lockfile: every dependency is an exact version, and the CLIs' other dependencies are their own
# per-platform binaries, also pinned exactly (a lockfile from one machine lacks the others').
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache_root="${PYRO_TEST_PEERS_CACHE:-${PYRO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pyro}}/test-peers"
hash="$(sha256sum "$here/package.json" | cut -c1-16)"
dir="$cache_root/hosts-$hash"
if [[ -f "$dir/.installed" ]]; then
  echo "$dir"
  exit 0
fi
mkdir -p "$cache_root"
exec 9>"$cache_root/.hosts.lock"
flock 9
if [[ ! -f "$dir/.installed" ]]; then
  tmp="$(mktemp -d "$cache_root/.hosts-install-XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  cp "$here/package.json" "$tmp/"
  (cd "$tmp" && npm install --no-package-lock --no-audit --no-fund --loglevel=error) >&2
  for bin in claude codex opencode; do
    [[ -x "$tmp/node_modules/.bin/$bin" ]] || { echo "install-hosts: $bin missing after npm ci" >&2; exit 1; }
  done
  touch "$tmp/.installed"
  rm -rf "$dir"
  mv "$tmp" "$dir"
  trap - EXIT
fi
echo "$dir"
