#!/usr/bin/env bash
# The Python tests (python/tests: the PyTorch producer of the run record), run by `npm test`
# after the TypeScript suite. They need Debian's python3-torch, python3-pytest and
# python3-jsonschema, which .ci/run installs; without them this says so and skips.
set -uo pipefail
cd "$(dirname "$0")/../python"
PY=/usr/bin/python3
if ! "$PY" -c 'import torch, pytest, jsonschema' >/dev/null 2>&1; then
  echo "python tests not run: $PY lacks torch, pytest or jsonschema (apt-get install python3-torch python3-pytest python3-jsonschema)"
  exit 0
fi
"$PY" -m pytest -q -p no:cacheprovider tests
code=$?
# pytest exits 5 when it collected no test: that is a failure of this suite, not a pass
[ "$code" -eq 5 ] && echo "python tests: none collected" && exit 1
exit "$code"
