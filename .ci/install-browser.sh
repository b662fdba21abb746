#!/usr/bin/env bash
# Debian chromium + the matching chromedriver (same Debian build, so the protocol always matches) and an
# Arabic font, for tests/test_review_browser.py. Idempotent; Debian packages only (no browser
# downloads, which are unreachable here; Selenium is pointed at /usr/bin/chromedriver explicitly).
set -euo pipefail

if command -v chromium >/dev/null && command -v chromedriver >/dev/null && fc-list | grep -qi "Noto Naskh Arabic"; then
    echo "chromium, chromedriver and an Arabic font already installed"
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
# fonts-noto-core: Noto Naskh/Sans Arabic, so the screenshot shows real Arabic glyphs, not boxes.
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver fonts-noto-core
