#!/usr/bin/env bash
# Make a folder of wheels for kg and all its dependencies, to install kg on a machine of the same platform
# (same OS, CPU and Python version) that has no network:
#
#   tools/make-wheelhouse.sh [DIR]          # on a machine with network; DIR defaults to ./wheelhouse
#   # copy DIR to the other machine, then there:
#   python3 -m venv kg-env && kg-env/bin/pip install --no-index --find-links DIR kg
#
# PYTHON names the interpreter whose platform the wheels are for (default: python3); run it with the same
# Python version as the machine without network. kg's own wheel is rebuilt on every run; the dependencies'
# wheels are fetched again only when DIR does not already hold a complete set for kg's requirements. DIR
# ends up holding exactly the wheels that an install of kg uses.
set -euo pipefail

PY=${PYTHON:-python3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-wheelhouse}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

# Build from a copy of the sources: building in place would write setuptools' build/lib into build/, the
# folder where `kg build` keeps its store.
SRC=$(mktemp -d)
trap 'rm -rf "$SRC"' EXIT
cp -R "$ROOT/pyproject.toml" "$ROOT/README.md" "$ROOT/kg" "$ROOT/ontology" "$SRC/"
find "$SRC" \( -name __pycache__ -o -name '*.egg-info' \) -prune -exec rm -rf {} +

rm -f "$DIR"/kg-*.whl
"$PY" -m pip wheel --quiet --no-deps --wheel-dir "$DIR" "$SRC"
KG_WHEEL=$(ls "$DIR"/kg-*.whl)

# Complete already? Ask pip to resolve kg from DIR alone, as the machine without network will.
resolve() {
  "$PY" -m pip install --quiet --dry-run --ignore-installed --no-index --find-links "$DIR" \
    --report "$SRC/resolved.json" "$KG_WHEEL"
}
if resolve >/dev/null 2>&1; then
  echo "wheelhouse $DIR: kg rebuilt, its dependencies were there"
else
  "$PY" -m pip wheel --quiet --find-links "$DIR" --wheel-dir "$DIR" "$KG_WHEEL"
  resolve
  echo "wheelhouse $DIR: kg and its dependencies"
fi

# Keep only the wheels that the resolution uses (older versions left by earlier runs go).
"$PY" - "$DIR" "$SRC/resolved.json" <<'PYTHON'
import json
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

used = {Path(unquote(urlparse(item["download_info"]["url"]).path)).name
        for item in json.loads(Path(sys.argv[2]).read_text())["install"]}
kept = 0
for wheel in sorted(Path(sys.argv[1]).glob("*.whl")):
    if wheel.name in used:
        kept += wheel.stat().st_size
    else:
        wheel.unlink()
print(f"{len(used)} wheels, {kept / 2**20:.0f} MB")
PYTHON
