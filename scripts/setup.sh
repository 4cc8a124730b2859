#!/usr/bin/env bash
# Installs what the demo and the tests need on a machine with Node, Python 3 and pip: the npm dependencies (Node 24,
# the Lambda runtime's major, comes with them into node_modules/.bin) and, in .venv, moto server and cfn-lint.
set -euo pipefail
cd "$(dirname "$0")/.."

# node_modules matches the lock file it was installed from when its stored hash is the lock file's: a checkout or a
# touch that leaves the content as it was installs nothing, a changed lock file always reinstalls.
lock_hash=$(node -e "process.stdout.write(require('node:crypto').createHash('sha256')
  .update(require('node:fs').readFileSync('package-lock.json')).digest('hex'))")
installed_hash=node_modules/.package-lock.sha256
if [ -d node_modules ] && [ ! -f "$installed_hash" ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  # Installed before the hash was kept, and newer than the lock file: that install is current.
  echo "$lock_hash" >"$installed_hash"
fi
if [ ! -d node_modules ] || [ "$(cat "$installed_hash" 2>/dev/null)" != "$lock_hash" ]; then
  echo "› installing npm dependencies (npm ci; minutes the first time)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" >"$installed_hash"
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
