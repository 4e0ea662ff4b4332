#!/usr/bin/env bash
# The README's test command: installs everything the tests need on a fresh machine, then runs the whole suite
# (core, pages through AppTest, and the real-browser suite in Debian's Chromium). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

if { [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; } && [ "${RNN_EXPLORER_SKIP_BROWSER:-0}" != "1" ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium fonts-noto-cjk
fi

"$PYTHON" -m pip install -q -r requirements-dev.txt
exec "$PYTHON" -m pytest "$@"
