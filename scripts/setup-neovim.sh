#!/bin/sh
# Installs Neovim (Debian's package) for test/neovim.test.ts, a second real LSP client next to VS Code.
# Idempotent: does nothing when `nvim` is on the PATH; refreshes the package lists only when apt cannot find the package.
set -eu

if command -v nvim >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-neovim: nvim is missing; run as root: apt-get install -y neovim" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show neovim >/dev/null 2>&1; then
  apt-get update
fi
apt-get install -y --no-install-recommends neovim
