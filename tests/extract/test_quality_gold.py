"""Source slips of every report with a gold file (the three of data/reports/ and the development
reports of tests/data/dev/): the reading stage and ``quality.detect`` find every gold anomaly and
raise no false alarm, matched as ../shared/eval/score.py matches them (the gold text inside the
anomaly's text or the other way round, whitespace, quotes and ``|`` removed). Counts that the gold
lists under ``stated_vs_listed`` are fair to report and are left out (``listed_regulations`` is not
given here, so ``count_mismatch`` is not raised)."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from kg.extract.quality import detect
from kg.extract.reading import read

from ..conftest import ROOT, SHARED_EVAL

DEV = ROOT / "tests" / "data" / "dev"
CASES = [(p, SHARED_EVAL / "gold" / f"{p.stem}.json") for p in sorted((ROOT / "data" / "reports").glob("*.txt"))] \
    + [(p, p.with_suffix(".json")) for p in sorted(DEV.glob("*.txt"))]
CASES = [(p, g) for p, g in CASES if g.exists()]


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    s = re.sub(r"[《》〈〉<>“”‘’\"'「」『』\s]", "", s)
    return s.replace("—", "-").replace("－", "-").replace("·", "").replace("・", "")


@pytest.mark.parametrize("report,gold_file", CASES, ids=[p.stem for p, _ in CASES])
def test_anomalies_match_the_gold(report: Path, gold_file: Path):
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    t = read(report)
    found = list(t.anomalies) + detect(t)
    texts = [norm(a.text) for a in found]
    want = [norm(a["text"].replace("|", "")) for a in gold["anomalies"]]

    def match(g: str, x: str) -> bool:
        return g in x or bool(x) and x in g

    kinds = [a["kind"] for a in gold["anomalies"]]
    missed = [g for g, k in zip(want, kinds) if not any(match(g, x) and a.kind == k for a, x in zip(found, texts))]
    false = [(a.kind, a.text) for a, x in zip(found, texts) if not any(match(g, x) for g in want)]
    assert not missed and not false, f"missed {missed}; false alarms {false}"
    assert t.truncated == bool(gold["report"].get("truncated"))
    for a in found:                       # a warning quotes a window of text, on one line
        assert 0 < len(a.text) <= 80 and "\n" not in a.text, a
