#!/usr/bin/env bash
# Installs what the demo and the tests need on a machine with Node, Python 3 and pip: the npm dependencies (Node 24,
# the Lambda runtime's major, comes with them into node_modules/.bin) and, in .venv, moto server and cfn-lint.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "› installing npm dependencies (npm ci; minutes the first time)"
  npm ci --no-audit --no-fund --loglevel=error
else
  echo "› npm dependencies are up to date"
fi

python=${PYTHON:-python3}
if ! .venv/bin/python -c 'import moto, cfnlint' 2>/dev/null || [ requirements-dev.txt -nt .venv/.installed ]; then
  echo "› installing moto server and cfn-lint into .venv (pip; minutes the first time, each package shown)"
  "$python" -m venv .venv
  # One line a package as it comes (errors still reach stderr, and pipefail keeps pip's failure).
  .venv/bin/pip install --disable-pip-version-check --progress-bar off -r requirements-dev.txt |
    sed -u -n -E -e 's/^Collecting ([^ ]+).*/  collecting \1/p' \
      -e 's/^Installing collected packages.*/  installing them (the longest step)/p' -e 's/^Successfully installed.*/  installed/p'
  touch .venv/.installed
else
  echo "› moto server and cfn-lint are installed"
fi

echo "› node $(node_modules/.bin/node --version), $(.venv/bin/python -c 'import moto; print("moto", moto.__version__)'), $(.venv/bin/cfn-lint --version)"
