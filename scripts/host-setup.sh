#!/usr/bin/env bash
# Installs the Debian packages Pyro needs on this host. Asks nothing; safe to run again.
#   scripts/host-setup.sh           install what is missing
#   scripts/host-setup.sh --check   exit 1 (and list them) if anything is missing
set -euo pipefail

# One package per line: what it is for.
PACKAGES=(
  qemu-system-x86   # vm backend: QEMU microvm
  qemu-utils        # qemu-img: copy-on-write workspace disks; raw copies for the disk tools
  runsc             # gvisor backend
  mmdebstrap        # builds environments from Debian packages
  e2fsprogs         # mke2fs: ext4 images for the vm backend; debugfs, e2fsck: the disk tools
  iproute2          # ip: TAP devices for guest networking
  nftables          # nft: NAT out and the firewall that keeps guests off the host
  socat             # published ports: 127.0.0.1 proxies to the guest
  uidmap            # mmdebstrap without root (unshare mode)
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

missing=()
for pkg in "${PACKAGES[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$pkg")
  fi
done

if [ "${1:-}" = "--check" ]; then
  if [ ${#missing[@]} -gt 0 ]; then
    echo "missing host packages: ${missing[*]}"
    exit 1
  fi
  exit 0
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "[setup] host packages: all present" >&2
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    echo "[setup] missing host packages: ${missing[*]}" >&2
    echo "[setup] run as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

echo "[setup] installing host packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q >&2
"${SUDO[@]}" apt-get install -y -q "${missing[@]}" >&2
echo "[setup] host packages: installed" >&2
