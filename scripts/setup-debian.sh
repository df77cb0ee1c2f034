#!/usr/bin/env bash
# Install what building and testing need on Debian 12 (idempotent).
set -euo pipefail
PKGS=(cmake gcc bc rpm createrepo-c gnupg busybox-static file openssl python3-rpm util-linux valgrind)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
command -v cargo >/dev/null || { echo "cargo (rustup) is required" >&2; exit 1; }
