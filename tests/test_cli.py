"""CLI: build, query formats, trace, bad input."""
import csv
import io
import json
import os
import re
import sys
from urllib.parse import parse_qs, quote

import pytest

from kg.cli import main
from kg.explore.explorer.page import read_model

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


def test_build_writes_the_explorer_and_view_opens_it_at_the_entity(tmp_path, capsys):
    out, views = tmp_path / "b", tmp_path / "v"
    views.mkdir()
    for old in ("overview.html", "trace.html", "aspect-2.html", "corpus-overview.html", "focus-abc.html", "mine.html"):
        (views / old).write_text("old", encoding="utf-8")
    assert main(["build", str(SEED), "--out", str(out), "--views", str(views), "--no-open"]) == 0
    # the explorer only: the pages kg wrote before are gone, a file of the user's stays
    assert sorted(p.name for p in views.iterdir()) == ["explorer.html", "mine.html"]
    assert f"explorer: {views / 'explorer.html'}" in capsys.readouterr().out
    model = read_model(views / "explorer.html")
    in_page = {n[0] for n in model["nodes"]}

    def view(*argv):
        rc = main(["view", *argv, "--graph", str(out), "--views", str(views), "--no-open"])
        res = capsys.readouterr()
        return rc, res.out.splitlines(), res.err

    # one match: its permalink, whose node is in the page
    rc, lines, _ = view("中国作家协会调研工作办法", "--depth", "3")
    assert rc == 0 and len(lines) == 1
    url, _, frag = lines[0].partition("#")
    params = parse_qs(frag)
    assert url == (views / "explorer.html").resolve().as_uri() and params["view"] == ["graph"]
    assert params["depth"] == ["3"] and params["node"][0] in in_page
    assert [n[2] for n in model["nodes"] if n[0] == params["node"][0]] == ["中国作家协会调研工作办法"]
    # several: a numbered list (label, type, report, permalink) and the page's list of them all
    rc, lines, _ = view("学习")
    assert rc == 0 and re.fullmatch(r"(\d+) entities match '学习' .*", lines[0])
    n = int(lines[0].split()[0])
    items = [ln for ln in lines[1:] if re.match(r"\s*\d+\. ", ln)]
    assert len(items) == min(n, 20) and n > 1
    for item, link in zip(items, [ln.strip() for ln in lines[1:] if ln.strip().startswith("file://")]):
        label = re.match(r"\s*\d+\. (.*) \((\w+)(?:, (\w+))?\)$", item)
        node = parse_qs(link.partition("#")[2])["node"][0]
        assert node in in_page and "学习" in label.group(1) + node
        assert [(m[2], m[1]) for m in model["nodes"] if m[0] == node] == [(label.group(1), label.group(2))]
    assert lines[-1] == "all matches in the page: " + (views / "explorer.html").resolve().as_uri() + "#search=" + quote("学习")
    # none: exit 1, naming what exists, and no page is touched
    before = (views / "explorer.html").stat().st_mtime_ns
    rc, lines, err = view("不存在的名称")
    assert rc == 1 and lines == [] and err.startswith("kg: error: no entity label contains '不存在的名称'; closest labels: ")
    assert (views / "explorer.html").stat().st_mtime_ns == before


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


# --------------------------------------------------------------------------- messages and outputs (issue 12)

def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: ") and "Traceback" not in err, err
    return lines[0]


def test_views_go_beside_the_build_they_show(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    src = write(tmp_path, "mini.txt", MINI)
    assert main(["build", str(src)]) == 0                           # the default build: build/ and visualizations/
    assert (tmp_path / "build" / "store").is_dir() and (tmp_path / "visualizations" / "explorer.html").is_file()
    default_views = {p.name: p.read_bytes() for p in (tmp_path / "visualizations").iterdir()}
    assert main(["build", str(src), "--out", "other"]) == 0         # --out DIR: DIR/visualizations/
    assert (tmp_path / "other" / "visualizations" / "explorer.html").is_file()
    assert "explorer: other/visualizations/explorer.html" in capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in (tmp_path / "visualizations").iterdir()} == default_views
    assert main(["build", str(src), "--out", "third", "--views", "mine"]) == 0   # --views still wins
    assert (tmp_path / "mine" / "explorer.html").is_file() and not (tmp_path / "third" / "visualizations").exists()
    (tmp_path / "other" / "visualizations" / "explorer.html").unlink()
    capsys.readouterr()
    assert main(["view", "理论学习制度", "--graph", "other", "--no-open"]) == 0   # kg view opens the build's own page
    page = tmp_path / "other" / "visualizations" / "explorer.html"
    assert page.is_file() and page.resolve().as_uri() + "#view=graph&node=kgr:" in capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in (tmp_path / "visualizations").iterdir()} == default_views


@pytest.mark.parametrize("case", ["out is a file", "out under a file", "views is a file", "out in /sys",
                                  "views in /sys", "export to /sys"])
def test_unwritable_output_is_one_line_exit_2(tmp_path, capsys, case):
    src = write(tmp_path, "mini.txt", MINI)
    afile = write(tmp_path, "afile", "x")
    out = tmp_path / "out"
    argv = {"out is a file": ["build", str(src), "--out", str(afile)],
            "out under a file": ["build", str(src), "--out", str(afile / "sub")],
            "views is a file": ["build", str(src), "--out", str(out), "--views", str(afile)],
            # sysfs refuses new entries to everyone, root included
            "out in /sys": ["build", str(src), "--out", "/sys/kg-test-out"],
            "views in /sys": ["build", str(src), "--out", str(out), "--views", "/sys/kg-test-views"],
            "export to /sys": ["export", "--graph", str(out), "-o", "/sys/kg-test.trig"]}[case]
    if case == "export to /sys":
        assert main(["build", str(src), "--out", str(out), "--no-views"]) == 0
        capsys.readouterr()
    assert main(argv) == 2
    out_err = capsys.readouterr()
    line = _one_error_line(out_err.err)
    assert out_err.out == ""
    if case.startswith(("out", "views")):
        option = "--out" if case.startswith("out") else "--views"
        assert line.startswith(f"kg: error: {option} ") and ("is a file" in line or "cannot write in /sys" in line)
        assert not out.exists()                  # refused before any work
    else:
        assert line.startswith("kg: error: --out /sys/kg-test.trig: cannot write in /sys")
    assert afile.read_text() == "x"


def test_not_found_exits_1_and_names_what_exists(built, capsys):
    def run(*argv):
        rc = main([*argv, "--graph", str(built)])
        res = capsys.readouterr()
        assert res.out == ""
        return rc, _one_error_line(res.err)

    rc, line = run("trace", "99")
    assert rc == 1 and "no problem category 99" in line and "problem categories: 1–13" in line
    rc, line = run("trace", "问题5", "--report", "nosuch")
    assert rc == 1 and "no report 'nosuch'" in line and "report ids: zuoxie_2020" in line
    rc, line = run("query", "problems", "--report", "nosuch")
    assert rc == 1 and "report ids: zuoxie_2020" in line
    rc, line = run("trace", "不存在的调研办法")
    assert rc == 1 and "《中国作家协会调研工作办法》" in line
    rc, line = run("view", "作家协会调研X", "--no-open", "--views", str(built / "v"))
    assert rc == 1 and "中国作家协会调研工作办法" in line
    # what exists still answers, on stdout
    assert main(["trace", "问题8", "--report", "zuoxie_2020", "--graph", str(built)]) == 0
    assert "中国作家协会调研工作办法" in capsys.readouterr().out


def test_version_is_the_package_version(capsys):
    import tomllib
    from pathlib import Path

    import kg
    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"kg {kg.__version__} (Python ") and "jieba " in out and "pyoxigraph " in out
    assert kg.__version__ == pyproject["project"]["version"]


def test_segment_cache_keeps_one_table_per_jieba_version(tmp_path, monkeypatch):
    import jieba

    from kg.extract import segment
    cache = tmp_path / "kg"
    cache.mkdir()
    group = f"posseg.{jieba.__version__}-py{sys.version_info[0]}.{sys.version_info[1]}."
    old_same = write(cache, f"{group}0123456789abcdef.cache", b"an earlier install's table")
    legacy = write(cache, "posseg.0123456789abcdef.cache", b"the old naming")
    killed = write(cache, f"{group}0123456789abcdef.cache.99999.tmp", b"a writer killed half-way")
    os.utime(killed, (1, 1))
    other = write(cache, "posseg.0.39-py3.11.fedcba9876543210.cache", b"another jieba version's table")
    mine = write(cache, "notes.txt", "not ours")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    segment.posseg_tables.cache_clear()
    try:
        tables = segment.posseg_tables()
        new = sorted(p.name for p in cache.glob(group + "*"))
        assert len(new) == 1 and new[0].endswith(".cache") and new[0] != old_same.name
        assert not old_same.exists() and not legacy.exists() and not killed.exists()
        assert other.exists() and mine.exists()
        segment.posseg_tables.cache_clear()     # read back: the same tables, the same single file
        assert segment.posseg_tables()["trans_P"] == tables["trans_P"]
        assert sorted(p.name for p in cache.iterdir()) == sorted([new[0], other.name, mine.name])
    finally:
        segment.posseg_tables.cache_clear()


@pytest.mark.parametrize("env, flags, opened", [
    ({"DISPLAY": ":0"}, [], True),                           # a desktop: the page opens
    ({"DISPLAY": ":0"}, ["--no-open"], False),               # asked not to
    ({"DISPLAY": ":0", "CI": "true"}, [], False),            # never in CI
    ({}, [], False),                                         # Linux without a display
])
def test_build_and_view_open_the_explorer_only_where_a_browser_can_be(tmp_path, monkeypatch, capsys, env, flags,
                                                                      opened):
    import kg.cli

    for k in ("CI", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(k, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setattr(kg.cli.sys, "platform", "linux")
    urls = []
    monkeypatch.setattr(kg.cli.webbrowser, "open", urls.append)
    out = tmp_path / "b"
    assert main(["build", str(SEED), "--out", str(out), *flags]) == 0
    page = (out / "visualizations" / "explorer.html").resolve().as_uri()
    assert urls == ([page] if opened else [])
    urls.clear()
    assert main(["view", "中国作家协会", "--graph", str(out), *flags]) == 0
    assert len(urls) == (1 if opened else 0)
    if opened:
        assert urls[0].startswith(page + "#")                 # at the entity (or the list of matches)
