#!/usr/bin/env bash
# Install what the accessibility tests need: Chromium from Debian and axe-core from npm.
# Idempotent: does nothing when both are present. Needs root (or sudo) for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    echo "Installing Debian chromium for the accessibility tests …"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
if [ ! -f tests/a11y/node_modules/axe-core/axe.min.js ]; then
    echo "Installing axe-core from npm for the accessibility tests …"
    npm ci --prefix tests/a11y --no-audit --no-fund --silent
fi
