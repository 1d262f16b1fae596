"""CLI: build, query formats, trace, bad input."""
import csv
import io
import json

import pytest

from kg.cli import main

from .conftest import MINI, REPORTS, write

SEED = REPORTS[0].parent / "zuoxie_2020.txt"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    assert main(["build", str(SEED), "--out", str(out), "--no-views"]) == 0
    return out


def test_build_writes_graph_and_summary(built, capsys):
    assert (built / "graph.ttl").stat().st_size > 10_000


def test_query_json_is_w3c_results(built, capsys):
    assert main(["query", "regulations", "--graph", str(built), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"title", "action", "problem_no"} <= set(data["head"]["vars"])
    rows = {(b["title"]["value"], b["problem_no"]["value"]) for b in data["results"]["bindings"]}
    assert ("中国作家协会调研工作办法", "8") in rows
    assert ("中国作家协会社会团体管理办法（试行）", "4") in rows and ("中国作家协会社会团体管理办法（试行）", "12") in rows


def test_query_csv_and_inline_sparql(built, capsys):
    assert main(["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/kg-rectify/ontology#Measure> }",
                 "--graph", str(built), "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows == [["n"], ["47"]]


def test_query_from_rq_file_and_table(built, tmp_path, capsys):
    rq = write(tmp_path, "q.rq", "PREFIX kgo: <https://w3id.org/kg-rectify/ontology#>\n"
                                 "SELECT ?n WHERE { ?p a kgo:ProblemCategory ; kgo:number ?n } ORDER BY ?n LIMIT 2")
    assert main(["query", str(rq), "--graph", str(built)]) == 0
    assert capsys.readouterr().out.split() == ["n", "-", "1", "2"]


def test_trace_regulation_and_problem(built, capsys):
    assert main(["trace", "中国作家协会调研工作办法", "--graph", str(built)]) == 0
    out = capsys.readouterr().out
    assert "研究制定《中国作家协会调研工作办法》" in out and "problem category 8" in out and "line 43" in out
    assert main(["trace", "10", "--graph", str(built)]) == 0
    out = capsys.readouterr().out
    assert "中国作家协会干部选拔任用工作实施办法" in out and "规划纲要" in out


@pytest.mark.parametrize("data,problem", [
    (b"", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 30, "binary"),
    ("无结构的一段话。".encode(), "no report structure"), (bytes(range(128, 256)) * 10, "decode"),
])
def test_bad_input_exits_2_and_writes_nothing(tmp_path, capsys, data, problem):
    bad = write(tmp_path, "bad.txt", data)
    out = tmp_path / "out"
    assert main(["build", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count(str(bad)) == 1 and problem in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_missing_path_exits_2(tmp_path, capsys):
    assert main(["build", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "o")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_handwritten_report_builds(tmp_path, capsys):
    src = write(tmp_path, "mini.txt", MINI)
    assert main(["build", str(src), "--out", str(tmp_path / "o"), "--no-views"]) == 0
    assert main(["query", "regulations", "--graph", str(tmp_path / "o"), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "某某局党组理论学习制度,enact,1" in out and "某某局财务管理办法,revise,2" in out


def test_build_writes_offline_views_and_view_command(tmp_path, capsys):
    out, views = tmp_path / "b", tmp_path / "v"
    assert main(["build", str(SEED), "--out", str(out), "--views", str(views)]) == 0
    names = sorted(p.name for p in views.glob("*.html"))
    assert names == ["aspect-1.html", "aspect-2.html", "aspect-3.html", "aspect-4.html", "overview.html", "trace.html"]
    assert main(["view", "调研工作办法", "--graph", str(out), "-o", str(tmp_path / "f.html"), "--no-open"]) == 0
    html = (tmp_path / "f.html").read_text(encoding="utf-8")
    assert "中国作家协会调研工作办法" in html and "https://cdn" not in html
    assert main(["view", "不存在的名称", "--graph", str(out), "-o", str(tmp_path / "g.html"), "--no-open"]) == 2
    assert not (tmp_path / "g.html").exists()


@pytest.mark.parametrize("fmt,marker", [("trig", b"report/zuoxie_2020> {"), ("nquads", b"<https://w3id.org/kg-rectify/id/report/"),
                                        ("turtle", b"@prefix kgo:"), ("ntriples", b"> ."), ("json-ld", b"@context")])
def test_export_formats(built, tmp_path, fmt, marker):
    out = tmp_path / f"x.{fmt}"
    assert main(["export", "--graph", str(built), "--format", fmt, "-o", str(out)]) == 0
    data = out.read_bytes()
    assert marker in data and "中国作家协会调研工作办法".encode() in data


def test_query_restricted_to_one_report(tmp_path, capsys):
    out = tmp_path / "b"
    assert main(["build", str(REPORTS[0].parent), "--out", str(out), "--no-views"]) == 0
    capsys.readouterr()
    assert main(["query", "problems", "--graph", str(out), "--report", "dev_1", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert len(rows) == 12 and {r["report"]["value"].rsplit("/", 1)[1] for r in rows} == {"dev_1"}
    assert main(["query", "regulations", "--graph", str(out), "--report", "zuoxie_2020", "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 1 + 18
    assert main(["query", "SELECT ?s WHERE { ?s a ?t }", "--graph", str(out), "--report", "dev_1"]) == 2


def test_every_subcommand_has_help_and_a_row_in_the_readme(capsys):
    from pathlib import Path

    from kg.cli import parser
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = [ln for ln in readme.splitlines() if ln.startswith("| `kg ")]
    sub = next(a for a in parser()._actions if a.dest == "cmd")
    assert sub.choices, "no subcommands"
    for name, p in sub.choices.items():
        assert any(ln.startswith(f"| `kg {name}") for ln in table), f"kg {name} has no row in the README's command table"
        with pytest.raises(SystemExit) as e:
            main([name, "--help"])
        assert e.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith(f"usage: kg {name}") and p.format_help() == out


def test_query_errors_are_one_line_and_exit_2(built, capsys):
    assert main(["query", "SELECT ?x WHERE { ?x ?y }", "--graph", str(built)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kg: error: invalid SPARQL") and err.count("\n") == 1
