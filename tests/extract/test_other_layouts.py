"""Reports of the genre in layouts the development reports do not have, written for these tests.

``tests/data/province_2021.txt``: a provincial department; title over two lines; 整改情况： paragraphs
with 一是…；二是… and 一是…，二是… measures; a person with a double role.
"""
from pathlib import Path

import pytest

from kg.cli import main
from kg.explore.queries import named_query
from kg.store import open_graph

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    out = tmp_path_factory.mktemp("province")
    assert main(["build", str(DATA / "province_2021.txt"), "--out", str(out), "--no-views"]) == 0
    backend = open_graph(out)
    yield lambda name: backend.query(named_query(name)).values()
    backend.close()


def test_province_report_metadata(province):
    (r,) = province("report")
    assert r["title"] == "中共某某省科学技术厅党组关于省委第三轮巡视整改情况的通报"
    assert (r["issuer"], r["inspector"]) == ("中共某某省科学技术厅党组", "省委第五巡视组")
    assert (r["start"], r["end"], r["feedback"]) == ("2021-04-20", "2021-06-30", "2021-08-12")


def test_province_problems_and_measures(province):
    rows = [(int(r["aspect_no"]), int(r["problem_no"]), int(r["measures"])) for r in province("problems")]
    assert rows == [(1, 1, 2), (1, 2, 3), (2, 3, 2)]


def test_province_regulations_people_figures(province):
    regs = {(r["title"], r["action"], int(r["problem_no"])) for r in province("regulations")}
    assert regs == {("某某省科学技术厅党组理论学习中心组学习制度", "revise", 1),
                    ("某某省科学技术厅意识形态工作责任清单", "enact", 2),
                    ("某某省科学技术厅科研项目经费管理办法", "issue", 3)}
    assert province("people") == [{"name": "李明", "role": "党组书记、厅长"}]
    values = {float(r["value"]) for r in province("numbers")}
    assert {12.0, 6.0, 5.0, 36.0, 120.0} <= values
    orgs = {r["name"] for r in province("organizations")}
    assert {"中共某某省科学技术厅党组", "省委第五巡视组", "巡视整改工作领导小组"} <= orgs
