"""Corrections (kg-corrections.toml beside the reports): parsing and validation, each kind of fix applied to
the typed extraction, unmatched corrections reported, provenance in the graph, and end to end through the CLI:
the fix shows in `kg query`, the graph validates, and a changed corrections file re-extracts the report."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from rdflib import URIRef

from kg.cli import main
from kg.errors import KgInputError
from kg.extract import corrections
from kg.extract.corrections import FILE_NAME, Unmatched, apply, fingerprint, load, parse
from kg.extract.pipeline import extract
from kg.rdf.graph import to_graph, to_ntriples
from kg.rdf.validate import validate

from ..conftest import MINI, write

KGO = "https://w3id.org/kg-rectify/ontology#"
#: MINI with a second mention of the 条例 (in section 3), so that `near` has a choice
REPORT = MINI.replace("第一，坚持标准不降。", "第一，坚持标准不降，认真执行《中国共产党党组工作条例》。")
TIAOLI = "中国共产党党组工作条例"

FIXES = f"""
[[correction]]
not_organization = "领导小组"
note = "一个工作机构，不是单位"

[[correction]]
report = "mini"
document = "{TIAOLI}"
action = "enforce"
near = "二是重温"

[[correction]]
measure = "（2）编印《廉政教育读本》"
problem = 1

[[correction]]
not_organization = "不存在的单位"
"""


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The extraction of REPORT with no corrections file beside it."""
    d = tmp_path_factory.mktemp("plain")
    return extract(write(d, "mini.txt", REPORT))


def one(toml: str, file: str = FILE_NAME):
    (c,) = parse(toml, file)
    return c


def orgs(ex) -> set[str]:
    return {e.name for e in ex.entities if e.kind == "organization"}


def placement(ex) -> dict[str, tuple[int, int]]:
    """measure heading → (problem number, measure number) for the measures under a problem category."""
    return {m.heading: (p.number, m.number) for p in ex.report.problems() for m in p.measures}


# -- parsing and validation -----------------------------------------------------------------------

def test_parse_each_kind():
    cs = parse(FIXES + '\n[[correction]]\nreport = "other.txt"\ndocument = "《某某办法》"\naction = "cite"\n', "d/x.toml")
    assert [(c.index, c.kind) for c in cs] == [(1, "not_organization"), (2, "action"), (3, "measure"),
                                              (4, "not_organization"), (5, "action")]
    assert cs[0].target == "领导小组" and cs[0].note == "一个工作机构，不是单位" and cs[0].report == ""
    assert cs[0].text == 'not_organization = "领导小组"'
    assert (cs[1].report, cs[1].target, cs[1].action, cs[1].near) == ("mini", TIAOLI, "enforce", "二是重温")
    assert cs[2].target == "（2）编印《廉政教育读本》" and cs[2].problem == 1
    assert cs[2].text == 'measure = "（2）编印《廉政教育读本》", problem = 1'
    assert cs[4].report == "other" and cs[4].target == "某某办法"      # .txt and 《》 are dropped
    assert all(c.file == "d/x.toml" for c in cs)
    assert parse("", "x.toml") == [] and parse(b"\xef\xbb\xbf# nothing yet\n", "x.toml") == []


@pytest.mark.parametrize("toml, problem", [
    ('[[correction]]\nnot_organisation = "甲"', "correction 1: unknown key 'not_organisation'"),
    ('[[correction]]\nnote = "甲"', "correction 1: no fix"),
    ('[[correction]]\nnot_organization = "甲"\nmeasure = "乙"\nproblem = 1', "correction 1: more than one fix"),
    ('[[correction]]\nnot_organization = "甲"\n[[correction]]\ndocument = "乙"', "correction 2: document needs action"),
    ('[[correction]]\ndocument = "乙"\naction = "write"', "correction 1: action 'write' is not one of enact"),
    ('[[correction]]\nmeasure = "乙"', "correction 1: measure needs problem"),
    ('[[correction]]\nmeasure = "乙"\nproblem = 0', "correction 1: problem must be a whole number"),
    ('[[correction]]\nmeasure = "乙"\nproblem = "2"', "correction 1: problem must be a whole number"),
    ('[[correction]]\nmeasure = "乙"\nproblem = true', "correction 1: problem must be a whole number"),
    ('[[correction]]\nmeasure = "乙"\nproblem = 2\nnear = "丙"', "correction 1: near does not go with measure"),
    ('[[correction]]\nnot_organization = "甲"\naction = "cite"', "correction 1: action does not go with"),
    ('[[correction]]\nnot_organization = "  "', "correction 1: not_organization must be a non-empty string"),
    ('[[correction]]\nnot_organization = 3', "correction 1: not_organization must be a non-empty string"),
    ('[[correction]]\ndocument = "《》"\naction = "cite"', "correction 1: document must name a title"),
    ('[correction]\nnot_organization = "甲"', "[[correction]] table"),
    ('[[fix]]\nnot_organization = "甲"', "unknown key 'fix'"),
    ('[[correction]]\nnot_organization = "甲', "not valid TOML"),
])
def test_a_bad_file_names_the_file_the_correction_and_the_problem(toml, problem):
    with pytest.raises(KgInputError) as e:
        parse(toml, "reports/kg-corrections.toml")
    msg = str(e.value)
    assert msg.startswith("reports/kg-corrections.toml: ") and problem in msg and "\n" not in msg


def test_load_reads_the_file_again_when_it_changes(tmp_path):
    p = tmp_path / FILE_NAME
    assert load(p) == [] and corrections.for_report(tmp_path / "a.txt") == []
    p.write_text('[[correction]]\nnot_organization = "甲"\n', encoding="utf-8")
    assert [c.target for c in load(p)] == ["甲"]
    p.write_text('[[correction]]\nnot_organization = "乙乙"\n[[correction]]\nreport = "b"\nnot_organization = "丙"\n',
                 encoding="utf-8")
    assert [c.target for c in load(p)] == ["乙乙", "丙"]
    assert [c.target for c in corrections.for_report(tmp_path / "a.txt")] == ["乙乙"]
    assert [c.target for c in corrections.for_report(tmp_path / "b.txt")] == ["乙乙", "丙"]
    p.write_text('[[correction]]\nbad = 1\n', encoding="utf-8")
    with pytest.raises(KgInputError, match=re.escape(str(p)) + ": correction 1: unknown key 'bad'"):
        load(p)


# -- applying each kind -------------------------------------------------------------------------

def test_not_organization_drops_the_organisation_and_its_mentions(base):
    assert "领导小组" in orgs(base)
    c = one('[[correction]]\nnot_organization = "领导小组"')
    ex, applied, unmatched = apply(base, "mini", [c])
    assert "领导小组" not in orgs(ex) and not unmatched
    assert applied[0].names == ("领导小组",) and applied[0].spans
    assert ex.corrections == applied
    assert "领导小组" in orgs(base)        # the input is not changed
    assert ex.text is base.text


def test_not_organization_on_a_parent_or_an_alias(base):
    parent = next(e for e in base.entities if e.name == "中共某某局党组").parent
    assert parent and any(e.key == parent and e.name == "某某局" for e in base.entities)
    ex, applied, _ = apply(base, "mini", [one('[[correction]]\nnot_organization = "某某局"')])
    assert "某某局" not in orgs(ex)
    assert next(e for e in ex.entities if e.name == "中共某某局党组").parent is None
    # a name merged into another organisation: those mentions go, the organisation stays
    ex, applied, _ = apply(base, "mini", [one('[[correction]]\nnot_organization = "中央巡视组"')])
    team = next(e for e in ex.entities if e.name == "中央第三巡视组")
    assert {m.text for m in team.mentions} == {"中央第三巡视组"} and "中央巡视组" not in team.aliases
    assert len(applied[0].spans) == 1


def test_action_of_every_mention_or_of_the_one_near_a_sentence(base):
    mentions = [d for d in base.documents if d.canonical == TIAOLI]
    assert [d.action for d in mentions] == ["study", "enforce"]
    ex, applied, _ = apply(base, "mini", [one(f'[[correction]]\ndocument = "{TIAOLI}"\naction = "revise"')])
    assert [d.action for d in ex.documents if d.canonical == TIAOLI] == ["revise", "revise"]
    assert applied[0].spans == tuple(d.span for d in mentions)
    fix = one(f'[[correction]]\ndocument = "《{TIAOLI}》"\naction = "cite"\nnear = "坚持标准不降，认真执行"')
    ex, applied, _ = apply(base, "mini", [fix])
    assert [d.action for d in ex.documents if d.canonical == TIAOLI] == ["study", "cite"]
    assert applied[0].spans == (mentions[1].span,)
    assert [d.action for d in base.documents if d.canonical == TIAOLI] == ["study", "enforce"]


def test_action_clears_negated(tmp_path):
    text = REPORT.replace("（1）修订《某某局财务管理办法》。", "（1）此前未制定《某某局财务管理办法》，现已制定。")
    ex0 = extract(write(tmp_path, "neg.txt", text))
    d = next(d for d in ex0.documents if d.canonical == "某某局财务管理办法")
    if not getattr(d, "negated", False):
        pytest.skip("the documents stage does not mark negated mentions")
    ex, _, _ = apply(ex0, "neg", [one('[[correction]]\ndocument = "某某局财务管理办法"\naction = "enact"')])
    d = next(d for d in ex.documents if d.canonical == "某某局财务管理办法")
    assert d.action == "enact" and d.negated is False


def test_measure_moves_under_another_problem_and_both_renumber(base):
    before = placement(base)
    assert before["编印《廉政教育读本》，在《某某日报》开设专栏"] == (2, 2)
    ex, applied, unmatched = apply(base, "mini", [one('[[correction]]\nmeasure = "修订《某某局财务管理办法》"\nproblem = 1')])
    after = placement(ex)
    assert not unmatched and after["修订《某某局财务管理办法》"] == (1, 3)
    assert after["编印《廉政教育读本》，在《某某日报》开设专栏"] == (2, 1)      # renumbered in its problem
    assert applied[0].spans == (next(m.span for p in base.report.problems() for m in p.measures
                                     if m.heading.startswith("修订")),)
    assert placement(base) == before


def test_measure_from_a_section_by_marker_or_heading(base):
    for start in ("一是成立领导小组", "成立领导小组", "成立领导"):
        ex, applied, unmatched = apply(base, "mini", [one(f'[[correction]]\nmeasure = "{start}"\nproblem = 2')])
        assert placement(ex)["成立领导小组"] == (2, 1), start
        assert [m.heading for m in ex.report.sections[0].measures] == ["细化任务"]
        assert [m.number for m in ex.report.sections[0].measures] == [1]


def test_unmatched_corrections_are_reported_one_line_each(base):
    toml = """
[[correction]]
not_organization = "不存在的单位"
[[correction]]
document = "不存在的办法"
action = "enact"
[[correction]]
document = "中国共产党党组工作条例"
action = "enact"
near = "没有这句话"
[[correction]]
measure = "没有这条措施"
problem = 1
[[correction]]
measure = "坚持"
problem = 1
[[correction]]
measure = "细化任务"
problem = 9
[[correction]]
report = "another"
not_organization = "不存在的单位"
"""
    ex, applied, unmatched = apply(base, "mini", parse(toml, "/x/kg-corrections.toml"))
    assert applied == [] and ex.corrections == []
    assert [u.correction.index for u in unmatched] == [1, 2, 3, 4, 5, 6]     # 7 is for another report
    msgs = [u.message for u in unmatched]
    assert all(m.startswith(f"kg-corrections.toml: correction {i} (") and "\n" not in m
               for i, m in zip(range(1, 7), msgs))
    assert "no organisation named “不存在的单位”" in msgs[0]
    assert "no document 《不存在的办法》" in msgs[1]
    assert "“没有这句话”" in msgs[2]
    assert "no measure begins with “没有这条措施”" in msgs[3]
    assert "2 measures begin with “坚持”" in msgs[4]
    assert "no problem category 9 (the report has 2)" in msgs[5]
    assert isinstance(unmatched[0], Unmatched)


def test_corrections_for_another_report_do_nothing(base):
    ex, applied, unmatched = apply(base, "mini", [one('[[correction]]\nreport = "b"\nnot_organization = "领导小组"')])
    assert ex is base and applied == [] and unmatched == []


def test_fingerprint_follows_the_corrections_that_apply(tmp_path):
    a, b = write(tmp_path, "a.txt", REPORT), write(tmp_path, "b.txt", REPORT)
    assert fingerprint(a) == ""
    f = tmp_path / FILE_NAME
    f.write_text('[[correction]]\nreport = "b"\nnot_organization = "甲"\n', encoding="utf-8")
    assert fingerprint(a) == "" and fingerprint(b)
    fb = fingerprint(b)
    f.write_text('[[correction]]\nreport = "b"\nnot_organization = "甲"\nnote = "why"\n', encoding="utf-8")
    assert fingerprint(b) != fb and fingerprint(a) == ""
    f.write_text('[[correction]]\nreport = "b"\nnot_organization = "甲"\nnote = "why"\n'
                 '[[correction]]\nreport = "c"\nnot_organization = "乙"\n', encoding="utf-8")
    assert fingerprint(a) == ""
    f.write_text('[[correction]]\nreport = "b"\nnot_organization = "甲\n', encoding="utf-8")
    assert fingerprint(a).startswith("invalid") and fingerprint(b).startswith("invalid")


# -- provenance in the graph ---------------------------------------------------------------------

def test_graph_records_the_corrections_and_validates(tmp_path):
    report = write(tmp_path, "mini.txt", REPORT)
    (tmp_path / FILE_NAME).write_text(FIXES, encoding="utf-8")
    ex = extract(report)
    assert [c.correction.index for c in ex.corrections] == [1, 2, 3]
    assert ex.report.notes[-1].startswith("kg-corrections.toml: correction 4 (not_organization = \"不存在的单位\")")
    nt = to_ntriples(ex, "mini")
    assert nt == to_ntriples(extract(report), "mini")          # deterministic
    g = to_graph(ex, "mini")
    rows = {(str(c).rsplit("/", 1)[1], str(k), str(x)) for c, k, x in g.query(
        f"SELECT ?c ?k ?x WHERE {{ ?c a <{KGO}Correction> ; <{KGO}correctionKind> ?k ; <{KGO}corrects> ?x ; "
        f"<http://www.w3.org/ns/prov#used> ?f . ?f a <{KGO}CorrectionsFile> }}")}
    r = "https://w3id.org/kg-rectify/id/report/mini"
    tiaoli = next(d for d in ex.documents if d.canonical == TIAOLI)
    assert rows == {("1", "not_organization", "领导小组"),
                    ("2", "action", f"{r}/mention/doc-{tiaoli.span.start}-{tiaoli.span.end}"),
                    ("3", "measure", f"{r}/problem/1/measure/3")}
    conforms, text = validate(g)
    assert conforms, text
    # the shapes hold corrections to their contract: one without its file does not conform
    g.remove((None, URIRef("http://www.w3.org/ns/prov#used"), None))
    conforms, text = validate(g)
    assert not conforms and "prov:used" in text, text


# -- end to end -----------------------------------------------------------------------------------

def _build(src: Path, out: Path, capsys) -> tuple[int, str, str]:
    code = main(["build", str(src), "--out", str(out), "--no-views", "--jobs", "1"])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def _select(out: Path, sparql: str, capsys) -> list[list[str]]:
    assert main(["query", f"PREFIX kgo: <{KGO}>\n{sparql}", "--graph", str(out), "--format", "csv"]) == 0
    return list(csv.reader(io.StringIO(capsys.readouterr().out)))[1:]


def _state(out: Path, capsys) -> tuple[set[str], list[str], str]:
    """(organisation names, actions of the 条例's mentions in reading order, problem number of the 读本 measure)."""
    assert main(["query", "organizations", "--graph", str(out), "--format", "csv"]) == 0
    names = {row[0] for row in list(csv.reader(io.StringIO(capsys.readouterr().out)))[1:]}
    actions = [r[0] for r in _select(out, (
        "SELECT ?a WHERE { ?m a kgo:DocumentMention ; kgo:action ?a ; kgo:mentions ?d ; kgo:evidence ?e . "
        f'?d <http://purl.org/dc/terms/title> "{TIAOLI}"@zh . ?e <http://www.w3.org/ns/oa#start> ?s }} ORDER BY ?s'),
        capsys)]
    (problem,) = _select(out, (
        "SELECT ?n WHERE { ?m a kgo:Measure ; kgo:heading ?h ; kgo:addresses ?p . ?p kgo:number ?n . "
        'FILTER(STRSTARTS(STR(?h), "编印《廉政教育读本》")) }'), capsys)
    return names, actions, problem[0]


def test_end_to_end_build_query_validate_rebuild(tmp_path, capsys):
    src, out = tmp_path / "reports", tmp_path / "out"
    src.mkdir()
    write(src, "mini.txt", REPORT)
    code, stdout, _ = _build(src, out, capsys)
    assert code == 0 and "1 built" in stdout
    names, actions, problem = _state(out, capsys)
    assert "领导小组" in names and actions == ["study", "enforce"] and problem == "2"

    # the corrections file beside the report: the report is extracted again, with the fixes
    (src / FILE_NAME).write_text(FIXES, encoding="utf-8")
    code, stdout, stderr = _build(src, out, capsys)
    assert code == 0 and "1 built" in stdout
    warnings = [ln for ln in stderr.splitlines() if "kg-corrections.toml" in ln]
    assert warnings == ['warning: mini.txt: kg-corrections.toml: correction 4 (not_organization = "不存在的单位") '
                        "matches nothing: no organisation named “不存在的单位”"]
    names, actions, problem = _state(out, capsys)
    assert "领导小组" not in names and actions == ["enforce", "enforce"] and problem == "1"
    assert main(["validate", "--graph", str(out)]) == 0
    assert "Conforms" in capsys.readouterr().out
    prov = _select(out, ("SELECT ?n ?k ?note ?file WHERE { "
                         "?c a kgo:Correction ; kgo:number ?n ; kgo:correctionKind ?k ; "
                         "<http://www.w3.org/ns/prov#used> ?f . ?f <http://www.w3.org/2000/01/rdf-schema#label> ?file "
                         "OPTIONAL { ?c <http://www.w3.org/2000/01/rdf-schema#comment> ?note } } ORDER BY ?n"), capsys)
    assert prov == [["1", "not_organization", "一个工作机构，不是单位", FILE_NAME], ["2", "action", "", FILE_NAME],
                    ["3", "measure", "", FILE_NAME]]

    # nothing changed: nothing extracted; a correction for another report changes nothing here
    code, stdout, _ = _build(src, out, capsys)
    assert code == 0 and "0 built, 1 unchanged" in stdout
    (src / FILE_NAME).write_text(FIXES + '\n[[correction]]\nreport = "other"\nnot_organization = "某某局"\n',
                                 encoding="utf-8")
    code, stdout, _ = _build(src, out, capsys)
    assert code == 0 and "0 built, 1 unchanged" in stdout

    # a correction taken back: the report is extracted again and the measure is back under problem 2
    (src / FILE_NAME).write_text(FIXES.replace('measure = "（2）编印《廉政教育读本》"\nproblem = 1',
                                               'measure = "（2）编印《廉政教育读本》"\nproblem = 2'), encoding="utf-8")
    code, stdout, _ = _build(src, out, capsys)
    assert code == 0 and "1 built" in stdout
    names, actions, problem = _state(out, capsys)
    assert "领导小组" not in names and problem == "2"

    # a bad corrections file: the report fails with a message naming the file and the correction
    (src / FILE_NAME).write_text(FIXES + '\n[[correction]]\nmeasure = "x"\nproblem = "one"\n', encoding="utf-8")
    code, _, stderr = _build(src, out, capsys)
    assert code == 2
    assert f"{src / FILE_NAME}: correction 5: problem must be a whole number" in stderr


def test_the_readme_example_is_a_valid_corrections_file():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Corrections", 1)[1].split("\n## ", 1)[0]
    toml = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    assert [c.kind for c in parse(toml, "README.md")] == ["not_organization", "action", "measure"]
