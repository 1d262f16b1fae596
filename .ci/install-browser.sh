#!/usr/bin/env bash
# Install Debian's chromium (and CJK fonts for legible screenshots) for the browser tests.
# Idempotent: does nothing when /usr/bin/chromium is already there. Never downloads a
# browser build of its own (no `playwright install`): Playwright drives this chromium via
# executable_path=/usr/bin/chromium.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "install-browser: /usr/bin/chromium present ($(/usr/bin/chromium --version 2>/dev/null || echo '?'))"
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y chromium fonts-noto-cjk
test -x /usr/bin/chromium
echo "install-browser: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
