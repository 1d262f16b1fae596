"""Shared fixtures: the reports in data/reports/ processed once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.model import Text

ROOT = Path(__file__).resolve().parent.parent
REPORTS = sorted((ROOT / "data" / "reports").glob("*.txt"))
SHARED_EVAL = ROOT.parent / "shared" / "eval"
#: our own development reports of the genre, each with its gold file (same stem, .json) beside it
DEV_REPORTS = sorted((ROOT / "tests" / "data" / "dev").glob("*.txt"))


@pytest.fixture(scope="session")
def processed():
    """{stem: ReportResult} for every report in data/reports/."""
    from kg.api import process
    return {p.stem: process(p) for p in REPORTS}


@pytest.fixture(scope="session")
def processed_dev():
    """{stem: ReportResult} for every development report in tests/data/dev/."""
    from kg.api import process
    return {p.stem: process(p) for p in DEV_REPORTS}


@pytest.fixture(scope="session")
def seed(processed):
    return processed["zuoxie_2020"]


def make_text(s: str, path: str = "t.txt") -> Text:
    """A one-line-map Text over ``s`` as written (no reading-stage normalization): for stage tests."""
    return Text(path, text=s, line_starts=[0], line_numbers=[1], sha256="", encoding="utf-8")


def load_raw(name: str) -> Text:
    """A report of data/reports/ with only CRLF folded, as :func:`make_text`."""
    p = ROOT / "data" / "reports" / name
    return make_text(p.read_bytes().decode("utf-8-sig").replace("\r\n", "\n"), str(p))


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


MINI = """中共某某局党组关于十九届中央第一轮巡视整改进展情况的通报

根据中央统一部署，2021年3月1日至4月30日，中央第三巡视组对某某局党组开展了常规巡视。2021年6月2日，中央巡视组向某某局党组反馈了巡视意见。

一、提高站位，压实责任

一是成立领导小组。由党组书记任组长。二是细化任务。梳理出3个方面。

二、逐条抓好整改落实

（一）关于理论学习不深入的整改情况

1. 理论学习不够系统。一是研究制定《某某局党组理论学习制度》，开展学习。二是重温《中国共产党党组工作条例》。

2. 制度建设滞后。（1）修订《某某局财务管理办法》。
（2）编印《廉政教育读本》，在《某某日报》开设专栏。

三、持续巩固整改成果

第一，坚持标准不降。第二，坚持力度不减。
"""
