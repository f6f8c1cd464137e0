# Sourced by ./pyro and scripts/test: picks the newest JDK >= 21 on this machine.
# Sets PYRO_JAVA_HOME and PYRO_JAVA_MAJOR, or fails with a message naming what to install.

pyro_java_major() { # JAVA_HOME -> major version from its release file (no JVM start)
  local release="$1/release" version
  [ -r "$release" ] || return 1
  version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$release")
  version=${version#1.}
  echo "${version%%[.+-]*}"
}

pyro_find_java() {
  local best_home="" best_major=0 home major candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for home in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [ -d "$home" ] && candidates+=("$home")
  done
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
    major=$(pyro_java_major "$home") || continue
    [ -n "$major" ] || continue
    if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best_home=$home best_major=$major
    fi
  done
  if [ -z "$best_home" ]; then
    echo "pyro: needs a JDK 21 or newer (JAVA_HOME or /usr/lib/jvm); none found." >&2
    echo "pyro: install one (for example Temurin 21+) and run again." >&2
    return 1
  fi
  PYRO_JAVA_HOME=$best_home
  PYRO_JAVA_MAJOR=$best_major
}

# Maven under a recent JDK: keep its own sun.misc.Unsafe warnings out of our output.
pyro_maven_env() {
  export JAVA_HOME="$PYRO_JAVA_HOME"
  if [ "$PYRO_JAVA_MAJOR" -ge 24 ]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}

# Host packages: run the setup script when it changed since it last succeeded here.
# The stamp belongs to the host, not to one Pyro cache: a cold test run (scripts/test, fresh
# PYRO_CACHE_DIR) points PYRO_HOST_SETUP_STAMP at the usual one so it does not set up the host again.
pyro_host_setup() {
  local root="$1" stamp_dir="${PYRO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pyro}"
  local stamp="${PYRO_HOST_SETUP_STAMP:-$stamp_dir/host-setup.stamp}" want
  want=$(sha256sum "$root/scripts/host-setup.sh" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  if "$root/scripts/host-setup.sh"; then
    mkdir -p "$(dirname "$stamp")" && echo "$want" > "$stamp"
  else
    echo "pyro: host setup is incomplete; 'pyro doctor' shows what is missing." >&2
  fi
}
