#!/usr/bin/env bash
# The README's test command: installs everything the tests need on a fresh machine, then runs the whole suite
# (core, pages through AppTest, the real-browser suite in Debian's Chromium, and two replicas behind Debian's nginx).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

# Debian packages: Chromium and CJK fonts for the browser suite, nginx for the proxy test (tests/deploy).
PACKAGES=()
if [ "${RNN_EXPLORER_SKIP_BROWSER:-0}" != "1" ]; then
  [ -x /usr/bin/chromium ] || PACKAGES+=(chromium)
  fc-list 2>/dev/null | grep -qi "noto sans cjk" || PACKAGES+=(fonts-noto-cjk)
fi
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || PACKAGES+=(nginx)
if [ "${#PACKAGES[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  # A policy-rc.d keeps the package from starting a system-wide nginx on port 80 (the test runs its own); one the
  # machine already has is left as it is.
  POLICY=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    POLICY=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null && $SUDO chmod +x "$POLICY"
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${PACKAGES[@]}"
  [ -z "$POLICY" ] || $SUDO rm -f "$POLICY"
fi

"$PYTHON" -m pip install -q -r requirements-dev.txt
exec "$PYTHON" -m pytest "$@"
