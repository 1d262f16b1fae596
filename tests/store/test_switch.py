"""A store readers can trust: while ``kg build`` (or ``--rebuild``) runs, and after a build is killed with
kill -9 at any moment, every ``kg query`` answers from one whole build (the previous one or the new one),
never from a partial store and never with a false "damaged"; a damaged store gives one line and the fix,
and ``kg build --rebuild`` repairs it; a read-only build directory is not called damaged; build workers die
with their parent; an incremental build re-extracts what another extractor version built.

The corpus is small (copies of ``data/reports``) so that the file runs in about two minutes; the 300-report
kill -9 run is ``benchmarks/kill_test.py``.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import time
from pathlib import Path

import pytest

from kg.errors import KgStoreError
from kg.store.oxigraph import POINTER, Store, StoreDir

from .build_readers import REPO, Readers, kg, kill_build, manifest_count, marked, start_build, state, writing
from .test_corpus import build, calls, write_reports  # noqa: F401 (calls: a fixture)

REPORTS = sorted((REPO / "data" / "reports").glob("*.txt"))
BASE, ADDED = 8, 4            # reports of the first build, and added for the incremental one
JOBS = ("--jobs", "2")


# ---------------------------------------------------------------- helpers

def corpus(d: Path, n: int) -> Path:
    """``n`` reports: copies of data/reports under new names (a report id each), one line varied."""
    d.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        src = REPORTS[i % len(REPORTS)]
        text = src.read_text(encoding="utf-8")
        (d / f"{src.stem}_{i:03d}.txt").write_text(text + f"\n（第{i + 1}份副本）\n", encoding="utf-8")
    return d


def one_line_error(r) -> str:
    """The one line a failing command printed: exit 2, no traceback."""
    err = r.stderr.strip()
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err


def kill(p, mark: str, after: float, ready=lambda: True) -> tuple[bool, bool]:
    """kill -9 the build ``after`` seconds once ``ready()``: whether it was still running, and had worker
    processes then. No process of the build may survive it."""
    k = kill_build(p, mark, after, ready)
    assert not k.left, f"processes of the killed build still alive: {k.left}"
    return k.running, k.running and k.workers > 0


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A complete build of BASE reports, its state, and a source with ADDED more."""
    tmp = tmp_path_factory.mktemp("switch")
    small, big = corpus(tmp / "small", BASE), corpus(tmp / "big", BASE + ADDED)
    out = tmp / "base"
    r = kg("build", "--no-views", "--jobs", "2", str(small), "--out", str(out))
    assert r.returncode == 0, r.stderr
    st = state(out)
    assert st[0] > BASE                            # the reports and the ontology at least
    return {"out": out, "small": small, "big": big, "state": st, "extra": st[0] - BASE}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A complete build of the three reports of data/reports, and its state."""
    tmp = tmp_path_factory.mktemp("tiny")
    out = tmp / "out"
    r = kg("build", "--no-views", str(REPO / "data" / "reports"), "--out", str(out))
    assert r.returncode == 0, r.stderr
    return {"out": out, "state": state(out)}


def copy_build(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    return dest


# ---------------------------------------------------------------- readers during builds

def test_queries_during_build_and_rebuild(base, tmp_path):
    out = copy_build(base["out"], tmp_path / "out")
    old, extra = base["state"], base["extra"]

    with Readers(out, tmp_path) as readers:        # an incremental build adding ADDED reports
        r = kg("build", "--no-views", "--jobs", "2", str(base["big"]), "--out", str(out))
        assert r.returncode == 0, r.stderr
    new = state(out)
    assert new[0] == BASE + ADDED + extra and new[1] > old[1]
    readers.check({old, new})

    with Readers(out, tmp_path) as readers:        # --rebuild: readers keep the whole previous build
        r = kg("build", "--no-views", "--jobs", "2", "--rebuild", str(base["big"]), "--out", str(out))
        assert r.returncode == 0, r.stderr
    assert state(out) == new
    readers.check({new})
    assert manifest_count(out) == BASE + ADDED


def test_kill_9_at_random_points(base, tmp_path):
    """kill -9 of an incremental build and of a --rebuild at random moments, queries running throughout:
    every answer is the old or the new whole graph, the manifest matches the store readers see, workers die
    with the build, and the next build finishes the work (resuming the store the killed one was writing)."""
    out = copy_build(base["out"], tmp_path / "out")
    old, extra = base["state"], base["extra"]
    rng = random.Random(12)
    after_kill, kills = [], []
    with Readers(out, tmp_path) as readers:
        since = time.time()
        p, mark = start_build(out, base["big"], *JOBS)              # once it writes: extraction, writes, switch
        kills.append(kill(p, mark, rng.uniform(0.0, 3.0), ready=lambda: writing(out, since)))
        after_kill.append(state(out))
        assert after_kill[-1][0] - extra == manifest_count(out)    # the manifest describes the store seen
        p, mark = start_build(out, base["big"], *JOBS, "--rebuild")  # while workers extract
        kills.append(kill(p, mark, rng.uniform(0.0, 0.2), ready=lambda: len(marked(mark)) >= 2))
        after_kill.append(state(out))
        assert after_kill[-1][0] - extra == manifest_count(out)
    assert any(had_workers for _, had_workers in kills), f"no kill hit a running build with workers: {kills}"
    r = kg("build", "--no-views", "--jobs", "2", str(base["big"]), "--out", str(out))
    assert r.returncode == 0, r.stderr
    new = state(out)
    assert new[0] == BASE + ADDED + extra and manifest_count(out) == BASE + ADDED
    assert set(after_kill) <= {old, new}, after_kill
    readers.check({old, new})
    # what the killed builds left, and stores replaced while read, are gone: one store
    assert [p.name for p in StoreDir(out / "store").generations()] == [(out / "store" / POINTER).read_text().strip()]


# ---------------------------------------------------------------- damaged, read-only

def _sst(out: Path) -> list[Path]:
    cur = StoreDir(out / "store").current()
    return sorted(cur.glob("*.sst"), key=lambda f: f.stat().st_size)


def _repair(out: Path, expected: tuple[int, int]) -> None:
    r = kg("build", "--no-views", "--rebuild", str(REPO / "data" / "reports"), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert state(out) == expected


@pytest.mark.parametrize("damage", ["lost_sst", "flipped_bytes", "bit_rot"])
def test_damaged_store_one_line_and_rebuild(tiny, tmp_path, damage):
    out = copy_build(tiny["out"], tmp_path / "out")
    ssts = _sst(out)
    if damage == "lost_sst":
        ssts[-1].unlink()
    else:
        for f in ssts:          # bytes flipped in the middle and in the footer of every table file
            st = f.stat()
            data = bytearray(f.read_bytes())
            for at in (len(data) // 2, len(data) - 12):
                data[at:at + 8] = bytes(b ^ 0xFF for b in data[at:at + 8])
            f.write_bytes(bytes(data))
            if damage == "bit_rot":     # the disk changed them: same size, same mtime
                os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    commands = [("build", "--no-views", str(REPO / "data" / "reports"), "--out", str(out))]
    if damage != "bit_rot":      # a reader notices a file changed since the build; a build checks every checksum
        commands.insert(0, ("query", "problems", "--graph", str(out)))
    for args in commands:
        err = one_line_error(kg(*args))
        assert "damaged" in err and "kg build --rebuild" in err, (args, err)
    _repair(out, tiny["state"])


def test_damaged_pointer_and_missing_store(tiny, tmp_path):
    out = copy_build(tiny["out"], tmp_path / "out")
    shutil.rmtree(StoreDir(out / "store").current())
    err = one_line_error(kg("query", "problems", "--graph", str(out)))
    assert "damaged" in err and "kg build --rebuild" in err
    (out / "store" / POINTER).write_text("garbage\n")
    err = one_line_error(kg("build", "--no-views", str(REPO / "data" / "reports"), "--out", str(out)))
    assert "damaged" in err and "kg build --rebuild" in err
    _repair(out, tiny["state"])


def test_read_only_build_dir_is_not_damaged(tiny, tmp_path):
    """A build directory the user may not write: queries work, a build says why it cannot write."""
    out = copy_build(tiny["out"], tmp_path / "out")
    files = [out, *out.rglob("*")]
    for p in files:
        p.chmod(p.stat().st_mode & ~0o222)
    # root writes anywhere: run without the capability that lets it (files are then checked as for anyone)
    prefix = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--") if os.geteuid() == 0 else ()
    try:
        assert state(out, prefix=prefix) == tiny["state"]
        err = one_line_error(kg("build", "--no-views", str(REPO / "data" / "reports"), "--out", str(out),
                                prefix=prefix))
        assert "damaged" not in err and ("permission" in err.lower() or "writ" in err.lower()), err
    finally:
        for p in files:
            p.chmod(p.stat().st_mode | 0o200)
    assert state(out) == tiny["state"]


# ---------------------------------------------------------------- in-process: interrupted, legacy, extractor

def test_interrupted_build_leaves_readers_the_last_build(tmp_path, calls, monkeypatch):
    """A build that stops half-way (Ctrl-C) leaves the current store as it was; the next build resumes."""
    import kg.store.build as corpus

    write_reports(tmp_path / "in", 3)
    out = tmp_path / "out"
    build(tmp_path / "in", out, jobs=1)
    write_reports(tmp_path / "in", 6)
    accept = corpus.BuildRun.accept

    def stop_at_r4(run, w):
        if Path(w.path).name == "r4.txt":
            raise KeyboardInterrupt
        accept(run, w)

    monkeypatch.setattr(corpus.BuildRun, "accept", stop_at_r4)
    with pytest.raises(KeyboardInterrupt):
        build(tmp_path / "in", out, jobs=1)
    monkeypatch.setattr(corpus.BuildRun, "accept", accept)
    with Store.open(out / "store", read_only=True) as st:
        assert len(st.reports()) == 3
    assert manifest_count(out) == 3
    res = build(tmp_path / "in", out, jobs=1)
    assert res.ok and len(res.reports) == 6
    with Store.open(out / "store", read_only=True) as st:
        assert len(st.reports()) == 6
    assert len(StoreDir(out / "store").generations()) == 1


def test_store_of_an_older_kg_is_replaced(tmp_path, calls):
    """``build/store`` as one Oxigraph store (kg before generations): a build replaces it by a new one."""
    write_reports(tmp_path / "in", 2)
    legacy = tmp_path / "out" / "store"
    with Store.open(legacy) as st:
        st.replace_report("https://w3id.org/kg-rectify/id/report/old", b"")
    with Store.open(legacy, read_only=True) as st:      # readers still open it
        assert st.reports() == {"https://w3id.org/kg-rectify/id/report/old"}
    res = build(tmp_path / "in", tmp_path / "out")
    assert res.ok and (legacy / POINTER).exists() and not (legacy / "CURRENT").exists()
    with Store.open(legacy, read_only=True) as st:
        assert st.reports() == set(res.reports.values())


def test_second_build_is_refused(tmp_path):
    write_reports(tmp_path / "in", 1)
    build(tmp_path / "in", tmp_path / "out")
    with StoreDir(tmp_path / "out" / "store").locked():
        with pytest.raises(KgStoreError, match="in use by another kg process"):
            build(tmp_path / "in", tmp_path / "out", rebuild=True)
    assert build(tmp_path / "in", tmp_path / "out").ok


def test_new_extractor_version_re_extracts(tmp_path, calls, monkeypatch):
    import kg.store.build as corpus

    write_reports(tmp_path / "in", 3)
    out = tmp_path / "out"
    build(tmp_path / "in", out)
    calls()
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    from kg.extract import EXTRACTOR_VERSION
    assert man["extractor"] == EXTRACTOR_VERSION
    assert {e["extractor"] for e in man["reports"].values()} == {EXTRACTOR_VERSION}
    assert not build(tmp_path / "in", out).built          # same version: nothing re-extracted
    # another version: every report is extracted again; one that now fails loses its old graph
    monkeypatch.setattr(corpus, "extractor_version", lambda: "9.9.9+000000000000")
    (tmp_path / "in" / "r0.txt").write_bytes(b"")
    calls()
    res = build(tmp_path / "in", out)
    assert calls() == ["r0.txt", "r1.txt", "r2.txt"] and len(res.built) == 2 and len(res.failed) == 1
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert man["extractor"] == "9.9.9+000000000000"
    assert {e["extractor"] for e in man["reports"].values()} == {"9.9.9+000000000000"}
    with Store.open(out / "store", read_only=True) as st:
        assert st.reports() == {e["iri"] for e in man["reports"].values()}


def test_report_graph_records_the_extractor_version(processed):
    from kg.extract import EXTRACTOR_VERSION
    from kg.rdf.vocab import KGO

    nt = processed["zuoxie_2020"].ntriples.decode("utf-8")
    assert f'<{KGO}extractorVersion> "{EXTRACTOR_VERSION}"' in nt
