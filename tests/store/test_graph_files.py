"""A build read from its files alone: ``graph.ttl`` and ``summaries.ttl`` (no store) answer the queries across
reports as the store does, and every ``kg export`` format, loaded into another store, answers them too."""
from __future__ import annotations

import json
import shutil

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.explore.queries import resolve_query
from kg.rdf.vocab import SUMMARY_GRAPH, with_prefixes
from kg.store.base import SUMMARIES_FILE, open_graph
from kg.store.memory import MemoryStore
from kg.store.results import from_ox

from ..conftest import REPORTS
from ..rdf.test_cross_report import CROSS, write_pair

FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS,
           "ntriples": ox.RdfFormat.N_TRIPLES, "json-ld": ox.RdfFormat.JSON_LD}


def kg_json(args, capsys) -> dict:
    capsys.readouterr()
    assert main(args) == 0
    return json.loads(capsys.readouterr().out)


def answers(build, capsys) -> dict[str, dict]:
    """``kg query NAME --graph build --format json`` of the queries across reports."""
    return {q: kg_json(["query", q, "--graph", str(build), "--format", "json"], capsys) for q in CROSS}


@pytest.fixture(scope="module", params=["reports", "pair"])
def builds(request, tmp_path_factory):
    """(the build with its store, a copy of it without the store): data/reports (3 reports) and two reports
    that share a regulation under one problem category (regulations_across_reports has rows)."""
    root = tmp_path_factory.mktemp(request.param)
    src = REPORTS[0].parent if request.param == "reports" else write_pair(root / "in")
    out = root / "out"
    assert main(["build", str(src), "--out", str(out), "--no-views"]) == 0
    files = root / "files"
    shutil.copytree(out, files)
    shutil.rmtree(files / "store")
    return out, files


def test_graph_ttl_alone_answers_as_the_store(builds, capsys):
    out, files = builds
    assert (files / "graph.ttl").is_file() and (files / SUMMARIES_FILE).is_file()
    with open_graph(files) as store:
        assert isinstance(store, MemoryStore)
    from_store = answers(out, capsys)
    assert from_store["shared_documents"]["results"]["bindings"]       # something to compare
    assert answers(files, capsys) == from_store
    if "pair" in str(out):
        assert from_store["regulations_across_reports"]["results"]["bindings"]


def test_summaries_file_is_not_part_of_the_reports(builds, capsys):
    """Views, stats and validation read the report triples: the same counts with or without the store."""
    out, files = builds
    assert kg_json(["stats", "--graph", str(files), "--format", "json"], capsys) == \
        kg_json(["stats", "--graph", str(out), "--format", "json"], capsys)


#: formats with named graphs keep the summaries graph, which the queries across reports read by name
NAMED_GRAPH_FORMATS = ("trig", "nquads", "json-ld")


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_loaded_elsewhere_answer_across_reports(builds, capsys, tmp_path, fmt):
    """``kg export`` of the build, with or without its store, loaded into a new Oxigraph store: the queries
    across reports give the JSON ``kg query`` gives on the store (formats with named graphs); a one-graph
    format (Turtle, N-Triples) holds the same summary nodes, loaded into the summaries graph they answer too."""
    out, files = builds
    want = answers(out, capsys)
    for build in (out, files):
        path = tmp_path / f"{build.name}.{fmt}"
        assert main(["export", "--graph", str(build), "--format", fmt, "-o", str(path)]) == 0
        st = ox.Store()
        if fmt in NAMED_GRAPH_FORMATS:
            st.load(path.read_bytes(), format=FORMATS[fmt])
        else:   # one graph: the summary nodes are there, the queries read them from their named graph
            shared = with_prefixes("SELECT (COUNT(DISTINCT ?d) AS ?n) { ?d a kgo:SharedDocument }")
            one = ox.Store()
            one.load(path.read_bytes(), format=FORMATS[fmt])
            n = next(iter(one.query(shared)))["n"].value
            assert int(n) == len(want["shared_documents"]["results"]["bindings"]), build.name
            st.load(path.read_bytes(), format=FORMATS[fmt], to_graph=ox.NamedNode(str(SUMMARY_GRAPH)))
        for q in CROSS:
            res = from_ox(st.query(with_prefixes(resolve_query(q)), use_default_graph_as_union=True))
            assert json.loads(res.to_json()) == want[q], (build.name, q)
