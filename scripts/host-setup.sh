#!/usr/bin/env bash
# Prepares this host for Pyro, once, as root. Asks nothing; safe to run again.
#   sudo scripts/host-setup.sh              install what is missing, and give the user who ran sudo
#                                           a range of subordinate ids (Pyro without root needs it)
#   sudo scripts/host-setup.sh --user NAME  the same for account NAME
#   scripts/host-setup.sh --check           exit 1 (and list them) if anything is missing
# After this, everything else runs as the ordinary user: no other step needs root.
set -euo pipefail

CHECK=false
SETUP_USER="${SUDO_USER:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --check) CHECK=true ;;
    --user) shift; SETUP_USER="${1:?--user needs an account name}" ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "host-setup.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
# Run by an ordinary user (the launcher does this on first use): check that user's own ids.
[ -z "$SETUP_USER" ] && [ "$(id -u)" -ne 0 ] && SETUP_USER=$(id -un)
[ "$SETUP_USER" = root ] && SETUP_USER=""

# One package per line: what it is for.
PACKAGES=(
  qemu-system-x86   # vm backend: QEMU microvm
  qemu-utils        # qemu-img: copy-on-write workspace disks; raw copies for the disk tools
  runsc             # gvisor backend (from <codename>-backports on bookworm: see below)
  mmdebstrap        # builds environments from Debian packages
  e2fsprogs         # mke2fs: ext4 images for the vm backend; debugfs, e2fsck: the disk tools
  iproute2          # ip: TAP devices for guest networking
  nftables          # nft: NAT out and the firewall that keeps guests off the host
  socat             # published ports: 127.0.0.1 proxies to the guest
  uidmap            # newuidmap/newgidmap: an ordinary user's Pyro maps its subordinate ids
  passt             # rootless guest networking: egress without TAP devices or nftables
  linux-source-6.1  # guest kernel source
  build-essential   # gcc/make: guest kernel and guest agent
  bc
  bison
  flex
  libelf-dev
  libssl-dev
  cpio
  xz-utils
  libjansson-dev    # guest agent: JSON library, linked statically (libjansson.a)
)

# runsc: bookworm's 0.0~20221219 fails coreutils' statx with EINVAL (ls -l, stat break in every
# guest); bookworm-backports carries 0.0~20240729, a static binary. We add that suite from the
# host's own Debian mirror, pinned so that runsc alone comes from it.
RUNSC_MIN_VERSION=0.0~20240729
BACKPORTS_LIST=/etc/apt/sources.list.d/pyro-backports.sources
BACKPORTS_PIN=/etc/apt/preferences.d/pyro-backports

runsc_version() { dpkg-query -W -f='${Version}' runsc 2>/dev/null || true; }

runsc_too_old() {
  local have; have=$(runsc_version)
  [ -n "$have" ] && ! dpkg --compare-versions "$have" ge "$RUNSC_MIN_VERSION"
}

# The URI that serves the main suite of this release, read from the host's apt sources.
debian_mirror_uri() {
  local codename="$1"
  {
    # deb822 files: a stanza holding both the URI and the plain codename suite
    awk -v c="$codename" '
      /^URIs:/ { uri=$2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == c) hit=1 }
      /^$/ { if (hit && uri != "") { print uri; exit } uri=""; hit=0 }
      END { if (hit && uri != "") print uri }' /etc/apt/sources.list.d/*.sources 2>/dev/null
    # one-line form
    awk -v c="$codename" '$1 == "deb" && $3 == c { print $2; exit }' \
      /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
  } | head -n 1
}

add_backports_for_runsc() {
  local codename uri
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [ "$codename" = bookworm ] || return 1
  uri=$(debian_mirror_uri "$codename")
  [ -n "$uri" ] || { echo "[setup] no apt source for $codename found; runsc stays at $(runsc_version)" >&2; return 1; }
  "${SUDO[@]}" tee "$BACKPORTS_LIST" >/dev/null <<SRC
# Added by Pyro's scripts/host-setup.sh for runsc only (see $BACKPORTS_PIN).
Types: deb
URIs: $uri
Suites: $codename-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  "${SUDO[@]}" tee "$BACKPORTS_PIN" >/dev/null <<PIN
# Added by Pyro's scripts/host-setup.sh: runsc from backports, nothing else.
Package: runsc
Pin: release n=$codename-backports
Pin-Priority: 990

Package: *
Pin: release n=$codename-backports
Pin-Priority: -1
PIN
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$pkg")
  fi
done

need_backports=false
if [ "$(. /etc/os-release && echo "${VERSION_CODENAME:-}")" = bookworm ] && \
   { [ ! -f "$BACKPORTS_PIN" ] || runsc_too_old; }; then
  need_backports=true
fi

# Subordinate ids: the user namespace of an ordinary user's Pyro maps uid 0 to the user and 1..65535
# to this range, so guest files keep their owners (_apt, man, ...) without belonging to any account.
SUBID_COUNT=65536
has_subids() { # file user
  awk -F: -v u="$2" -v id="$(id -u "$2" 2>/dev/null)" -v n="$SUBID_COUNT" \
    '($1 == u || $1 == id) && $3 + 0 >= n - 1 { found=1 } END { exit !found }' "$1" 2>/dev/null
}
free_subid_start() { # the first start at or above 100000 after every range in both files
  cat /etc/subuid /etc/subgid 2>/dev/null | awk -F: 'BEGIN { m = 100000 } NF == 3 && $2 + $3 > m { m = $2 + $3 } END { print m }'
}
subids_missing=false
if [ -n "$SETUP_USER" ]; then
  id "$SETUP_USER" >/dev/null 2>&1 || { echo "[setup] no such account: $SETUP_USER" >&2; exit 2; }
  { has_subids /etc/subuid "$SETUP_USER" && has_subids /etc/subgid "$SETUP_USER"; } || subids_missing=true
fi

if $CHECK; then
  if [ ${#missing[@]} -gt 0 ]; then
    echo "missing host packages: ${missing[*]}"
    exit 1
  fi
  if runsc_too_old; then
    echo "runsc $(runsc_version) is older than $RUNSC_MIN_VERSION (ls -l and stat fail in gVisor guests)"
    exit 1
  fi
  if $subids_missing; then
    echo "account $SETUP_USER has no range of $SUBID_COUNT subordinate ids in /etc/subuid and /etc/subgid"
    exit 1
  fi
  exit 0
fi

give_subids() {
  $subids_missing || return 0
  local start; start=$(free_subid_start)
  "${SUDO[@]}" usermod --add-subuids "$start-$((start + SUBID_COUNT - 1))" \
    --add-subgids "$start-$((start + SUBID_COUNT - 1))" "$SETUP_USER"
  echo "[setup] $SETUP_USER: subordinate ids $start-$((start + SUBID_COUNT - 1))" >&2
}

kvm_hint() {
  [ -n "$SETUP_USER" ] && [ -e /dev/kvm ] || return 0
  id -nG "$SETUP_USER" | tr ' ' '\n' | grep -qx kvm && return 0
  echo "[setup] $SETUP_USER cannot open /dev/kvm; for hardware virtualization run: sudo usermod -aG kvm $SETUP_USER (then log in again)" >&2
}

userns_hint() {
  local max; max=$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)
  local clone; clone=$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)
  if [ "$max" = 0 ] || [ "$clone" = 0 ]; then
    echo "[setup] this kernel refuses user namespaces to ordinary users; Pyro without root needs them:" >&2
    echo "[setup]   sudo sysctl -w user.max_user_namespaces=15000 kernel.unprivileged_userns_clone=1" >&2
  fi
}

if [ ${#missing[@]} -eq 0 ] && ! $need_backports; then
  echo "[setup] host packages: all present" >&2
  SUDO=()
  if $subids_missing && [ "$(id -u)" -ne 0 ]; then
    echo "[setup] $SETUP_USER needs subordinate ids; run once as root: sudo $0 --user $SETUP_USER" >&2
    exit 1
  fi
  give_subids
  kvm_hint
  userns_hint
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    [ ${#missing[@]} -eq 0 ] || echo "[setup] missing host packages: ${missing[*]}" >&2
    $need_backports && echo "[setup] runsc must come from $(. /etc/os-release && echo "$VERSION_CODENAME")-backports (have: $(runsc_version))" >&2
    echo "[setup] run once as root: sudo $0" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
if $need_backports && add_backports_for_runsc; then
  # runsc is installed (or upgraded) from backports by the pin above
  [[ " ${missing[*]} " == *" runsc "* ]] || missing+=(runsc)
fi
echo "[setup] installing host packages: ${missing[*]}" >&2
"${SUDO[@]}" apt-get update -q >&2
"${SUDO[@]}" apt-get install -y -q "${missing[@]}" >&2
echo "[setup] host packages: installed" >&2
give_subids
kvm_hint
userns_hint
