"""kg stats: counts per type, most connected units, busiest problem categories, disconnected pieces."""
import json

from kg.api import merged
from kg.cli import main
from kg.explore.stats import render, stats


def test_seed_stats(seed):
    s = stats(seed.graph)
    assert s["counts"]["problem"] == 13 and s["counts"]["measure"] == 47 and s["counts"]["regulation"] == 17
    assert s["units"][0]["name"] == "中共中国作家协会党组"          # the issuer is the most connected unit
    assert s["units"][0]["degree"] >= s["units"][-1]["degree"]
    top = s["problems"][0]
    assert (top["measures"], top["regulations"]) >= (4, 2)
    # every problem category row counts measures like the problems query does
    by_no = {p["number"]: p for p in stats(seed.graph, top=100)["problems"]}
    assert [by_no[n]["measures"] for n in range(1, 14)] == [3, 3, 3, 3, 2, 4, 3, 3, 4, 5, 3, 3, 3]
    assert by_no[9]["regulations"] == 3
    assert s["components"]["count"] >= 1
    assert "Most connected units" in render(s)


def test_reports_are_separate_pieces_and_strays_are_reported(processed):
    g = merged(list(processed.values()))
    assert stats(g)["components"]["count"] == 3     # report graphs share no node
    from rdflib import Literal, URIRef
    from rdflib.namespace import ORG, RDF, SKOS
    stray = URIRef("https://w3id.org/kg-rectify/id/report/x/org/stray")
    g.add((stray, RDF.type, ORG.Organization))
    g.add((stray, SKOS.prefLabel, Literal("孤立单位", lang="zh")))
    s = stats(g)
    assert s["components"]["count"] == 4
    assert {"size": 1, "members": ["孤立单位"]} in s["components"]["disconnected"]


def test_stats_cli_json(tmp_path, capsys):
    from ..conftest import REPORTS
    out = tmp_path / "b"
    assert main(["build", str(REPORTS[0].parent / "dev_1.txt"), "--out", str(out), "--no-views"]) == 0
    capsys.readouterr()
    assert main(["stats", "--graph", str(out), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"]["problem"] == 12 and data["units"]
