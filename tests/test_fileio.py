"""Atomic outputs: an interrupted write leaves the old file whole and no temporary file behind."""
import pytest

from kg.fileio import atomic_open, atomic_write


def test_interrupted_write_keeps_the_old_file(tmp_path):
    target = atomic_write(tmp_path / "graph.ttl", "old")
    with pytest.raises(KeyboardInterrupt):
        with atomic_open(target) as f:
            f.write(b"half of a new gra")
            raise KeyboardInterrupt     # Ctrl-C in the middle of the write
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_interrupted_build_leaves_no_half_written_graph(tmp_path, monkeypatch):
    from kg.store import outputs
    from kg.cli import main

    from .conftest import REPORTS
    out = tmp_path / "out"
    assert main(["build", str(REPORTS[0].parent / "dev_1.txt"), "--out", str(out), "--no-views"]) == 0
    before = (out / "graph.ttl").read_bytes()

    def interrupted(graphs):
        raise KeyboardInterrupt
    monkeypatch.setattr(outputs, "merged_turtle", interrupted)
    assert main(["build", str(REPORTS[0].parent), "--out", str(out), "--no-views", "--jobs", "1"]) == 130
    assert (out / "graph.ttl").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.undo()
    assert main(["build", str(REPORTS[0].parent), "--out", str(out), "--no-views"]) == 0
    after = (out / "graph.ttl").read_text(encoding="utf-8")
    assert "report/zuoxie_2020" in after and "report/dev_2" in after     # the next build completes the outputs
