#!/usr/bin/env bash
# Installs the Debian 12 packages Sanxiang needs to build, run and test.
# Idempotent: when every package is present it only checks and returns.
# Flags: --bench (wrk, nginx), --ui (nodejs/npm if missing, chromium, CJK fonts).
set -euo pipefail

PKGS=(
  build-essential meson ninja-build pkg-config
  libh2o-evloop-dev libjansson-dev libsqlite3-dev sqlite3 libpq-dev libssl-dev libargon2-dev
  libcmocka-dev
  postgresql-15 postgresql-client-15
  python3 curl
  # documents (issue 5 point 4): PDF rendering, CJK fonts, pdftotext for the API tests
  libcairo2-dev libpango1.0-dev fonts-noto-cjk poppler-utils openssl
  # stats: annual statistics report as XLSX (issue 4 point 7)
  libxlsxwriter-dev
)
PKGS+=(libarchive-dev) # bundle: case-file bundles (tar)
if [ "${1:-}" = "--bench" ]; then
  PKGS+=(wrk nginx-light)
fi
# --ui: what the web UI needs to build (node, npm) and its browser tests (chromium, CJK fonts
# for readable screenshots). node/npm only when missing: a newer Node.js from elsewhere is fine.
if [ "${1:-}" = "--ui" ]; then
  PKGS+=(chromium fonts-noto-cjk)
  command -v node >/dev/null 2>&1 || PKGS+=(nodejs)
  command -v npm >/dev/null 2>&1 || PKGS+=(npm)
fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "安装依赖: ${missing[*]}"
$SUDO apt-get update -qq
# The postgresql package would start a system cluster; tests start their own, so prevent that.
DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
