#!/usr/bin/env bash
# Installs everything TrustDesk's tests and lab need on a Debian machine with Node 20:
# Debian packages (real notary-server/notary-signer/notary CLI, docker-registry, SoftHSM2, OpenSC,
# Chromium, Xvfb, openssl) and the npm dependencies pinned in package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

# g++/make/python3: node-gyp builds pkcs11js at npm ci; gcc also builds the fake PKCS#11 module of the tests
# tinyproxy: the real HTTP proxy of tests/interop/proxy.test.ts
# poppler-utils: pdftoppm renders the share sheets PDF to PNG pages (e2e/share-sheets.spec.ts decodes their QR codes)
PACKAGES=(notary docker-registry softhsm2 opensc chromium xvfb openssl ca-certificates g++ make python3 tinyproxy poppler-utils)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

for tool in notary notary-server notary-signer docker-registry openssl tinyproxy; do
  command -v "$tool" >/dev/null || { echo "setup: $tool is missing after install" >&2; exit 1; }
done
if ! command -v docker >/dev/null; then
  echo "setup: WARNING: the docker CLI is not installed; the tests that compare with 'docker trust inspect' need it." >&2
  echo "setup:          Install docker-ce-cli (28.x, with 'docker trust') or docker.io; no engine is needed." >&2
fi

# Tests never need the Electron binary (CI sets ELECTRON_SKIP_BINARY_DOWNLOAD=1); `npm start` does,
# so a normal set-up lets npm ci download it and falls back without it where downloads are blocked.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# pkcs11js is a native addon built by node-gyp at install (allowed in package.json "allowScripts"):
# use the installed Node headers instead of downloading them.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_api.h ]; then
  export npm_config_nodedir=/usr
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  if ! npm ci --no-audit --no-fund; then
    if [ "${ELECTRON_SKIP_BINARY_DOWNLOAD:-}" = "1" ]; then exit 1; fi
    echo "setup: npm ci failed (the Electron binary may not be downloadable here); retrying without it." >&2
    echo "setup: the tests will run; 'npm start' needs Electron: see README." >&2
    ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
  fi
fi
