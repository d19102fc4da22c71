#!/usr/bin/env bash
# Installs the Debian 12 packages the build needs, only when one is missing.
# Non-interactive; runs `apt-get update` once before installing. Must run as root
# (or with the packages already present).
set -euo pipefail
packages=(
  build-essential cmake pkg-config
  libquickfix-dev          # FIX engine (acceptor/initiator, sessions, store)
  libboost-dev             # header-only parts (later: Asio, Beast)
  libsqlite3-dev sqlite3   # embedded journal + reviewer shell
  libfmt-dev               # formatting
  libssl-dev openssl       # scrypt password hashes, SHA-256, Ed25519, TLS
  libsodium-dev            # Ed25519 group operations (FROST signer)
  catch2                   # unit tests (v2, header-only)
  libtomlplusplus-dev      # business configuration (TOML)
  nlohmann-json3-dev       # canonical JSON payloads in the journal
  libcli11-dev             # command-line parsing for tools
)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "error: packages missing and not running as root: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
