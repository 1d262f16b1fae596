"""Offline installation (README "Offline installation"): ``tools/make-wheelhouse.sh`` makes a folder of wheels
from which kg installs into a fresh venv with pip's network closed, and the installed kg builds a report.

Slow (it builds kg's wheel and installs some 60 wheels): marked ``slow``; CI runs it like every other test.
Making the wheelhouse needs the package index, once: the folder is kept in ``~/.cache/kg-tests/`` and handed
back to the script, which fetches the dependencies again only when the folder no longer holds all of them.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import kg

from .conftest import MINI, ROOT

pytestmark = pytest.mark.slow

SCRIPT = ROOT / "tools" / "make-wheelhouse.sh"
#: pip with no index, no configuration files and every proxy pointing at a closed local port: any attempt to
#: reach the network fails
NO_NETWORK = {"PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull, "PIP_FIND_LINKS": "", "PIP_EXTRA_INDEX_URL": "",
              "PIP_NO_CACHE_DIR": "1", "NO_PROXY": "", "no_proxy": "",
              **{k: "http://127.0.0.1:9" for k in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                                                   "http_proxy", "https_proxy", "all_proxy")}}


def _cache() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "kg-tests" / f"wheelhouse-{sysconfig.get_platform()}-py{sys.version_info[0]}.{sys.version_info[1]}"


def _run(argv, **kw) -> subprocess.CompletedProcess:
    res = subprocess.run([str(a) for a in argv], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                         timeout=600, **kw)
    assert res.returncode == 0, f"{argv}: exit {res.returncode}\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    return res


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory) -> Path:
    """The wheelhouse made by the documented command (seeded from the cache of an earlier run)."""
    wh = tmp_path_factory.mktemp("offline") / "wheelhouse"
    cached = _cache()
    try:
        shutil.copytree(cached, wh)
    except (OSError, shutil.Error):          # no cache yet (or one being replaced): start empty
        shutil.rmtree(wh, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    _run(["bash", SCRIPT, wh], env={**env, "PYTHON": sys.executable}, cwd=wh.parent)
    try:                                     # keep it for the next run: a complete copy, swapped in
        fresh = cached.with_name(f"{cached.name}.{os.getpid()}.new")
        shutil.copytree(wh, fresh)
        shutil.rmtree(cached, ignore_errors=True)
        fresh.rename(cached)
    except OSError:
        shutil.rmtree(fresh, ignore_errors=True)
    return wh


def test_kg_installs_and_runs_without_network(wheelhouse, tmp_path):
    wheels = sorted(p.name for p in wheelhouse.glob("*.whl"))
    assert [w for w in wheels if w.startswith("kg-")] == [f"kg-{kg.__version__}-py3-none-any.whl"]
    assert {"pyoxigraph", "rdflib", "jieba"} <= {w.split("-")[0].lower() for w in wheels}

    home = tmp_path / "home"                 # a user who never ran kg: no jieba tables cached
    home.mkdir()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8", **NO_NETWORK}
    _run([sys.executable, "-m", "venv", tmp_path / "env"], env=env, cwd=tmp_path)
    py, kg_bin = tmp_path / "env" / "bin" / "python", tmp_path / "env" / "bin" / "kg"
    _run([py, "-m", "pip", "install", "--quiet", "--no-index", "--find-links", wheelhouse, "kg"],
         env=env, cwd=tmp_path)

    where = _run([py, "-c", "import kg; print(kg.__file__)"], env=env, cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(tmp_path / "env"), where          # the installed kg, not this checkout
    assert _run([kg_bin, "--version"], env=env, cwd=tmp_path).stdout.startswith(f"kg {kg.__version__} (Python ")

    (tmp_path / "mini.txt").write_text(MINI, encoding="utf-8")
    built = _run([kg_bin, "build", "mini.txt", "--out", "out"], env=env, cwd=tmp_path)
    assert "1 built" in built.stdout
    page = (tmp_path / "out" / "visualizations" / "explorer.html").read_text(encoding="utf-8")
    assert "vis.js is dual licensed" in page and 'id="kg-wasm"' in page    # templates, vis-network, oxigraph shipped
    regs = _run([kg_bin, "query", "regulations", "--graph", "out", "--format", "csv"], env=env, cwd=tmp_path).stdout
    assert "某某局党组理论学习制度,enact,1" in regs and "某某局财务管理办法,revise,2" in regs
    assert "no violations" in _run([kg_bin, "validate", "--graph", "out"], env=env, cwd=tmp_path).stdout
