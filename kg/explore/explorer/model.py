"""The build's graph → the explorer's page model: nodes, edges, report texts with every extracted fact
(a span of the text and the node it stands for), the trace rows and what the query editor completes.

Everything is read with SPARQL from an in-memory Oxigraph store loaded from the build's N-Quads (the same
bytes the page embeds), so the model and the page's own SPARQL answers come from one graph. The output
is deterministic: every list is sorted, nothing depends on the order a store returns rows in. The reading
(:func:`read_raw`: rows of plain strings, one set per graph, cacheable) is apart from the assembly
(:func:`assemble` of the merged parts of every graph), so a report's part can be kept between builds.

Compact shapes (the page reads them in ``explorer.js``):

- ``nodes``: ``[iri, type, label, report, number]`` (``report`` an index into ``reports`` or -1)
- ``edges``: ``[from, to, rel, action]`` (node indexes; ``action`` only for mentions, else "")
- ``facts``: ``[report, start, end, node, kind, line, action]``: a span of a report's normalized text
  and the node it is evidence of (``kind`` the node type, or ``mention`` kinds for documents/entities)
- ``trace``: ``[doc, action, problem, aspect, report, measures, facts, negated]``: one row per
  (report, document, problem category) — problem/aspect -1 for a measure outside any problem
"""
from __future__ import annotations

import bisect
import re
from collections import defaultdict

import pyoxigraph as ox

from kg.explore.queries import NAMED, named_query
from kg.explore.explorer.legend import ACTION_LABELS, CLASS_TYPES, DOCUMENT_TYPES, KIND_TYPES, NODE_TYPES, natural_key
from kg.rdf.vocab import KGO, KGR, ONTOLOGY_GRAPH, PREFIXES
from kg.store.guard import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, UPDATE_KEYWORDS, dataset_message, read_only_message

#: node types of the explorer: the views' legend plus anomalies (slips in the source)
TYPES: list[dict] = [{"key": t.key, "zh": t.zh, "en": t.en, "color": t.color, "level": t.level}
                     for t in NODE_TYPES.values()]
TYPES.append({"key": "anomaly", "zh": "异常", "en": "Anomaly", "color": "#b71c1c", "level": 7})
LEVEL = {t["key"]: t["level"] for t in TYPES}
#: types whose evidence is a whole paragraph or block: a badge beside the line, not a mark in it
STRUCTURE = ("report", "section", "aspect", "problem", "measure")
#: the strongest action first (as in ``regulations.rq``)
ACTION_RANK = ["abolish", "revise", "enact", "issue", "compile", "enforce", "study", "cite"]

#: the views' classes, anomalies, and the report-independent documents and units of the build-time summaries
_CLASS_TYPES = [(str(c), k) for c, k in CLASS_TYPES] + [(str(KGO.Anomaly), "anomaly"),
                                                        (str(KGO.CorpusDocument), "document"),
                                                        (str(KGO.CorpusOrganization), "organization")]
_LABEL_PREDS = {
    "prefLabel": "http://www.w3.org/2004/02/skos/core#prefLabel",
    "title": "http://purl.org/dc/terms/title",
    "name": "http://xmlns.com/foaf/0.1/name",
    "label": "http://www.w3.org/2000/01/rdf-schema#label",
    "heading": str(KGO.heading),
    "text": str(KGO.text),
    "notation": "http://www.w3.org/2004/02/skos/core#notation",
}
# IRI → IRI predicates that are not drawn as edges (drawn otherwise, or bookkeeping)
_SKIP_EDGES = {"http://www.w3.org/1999/02/22-rdf-syntax-ns#type", str(KGO.evidence), str(KGO.inReport),
               str(KGO.mentions), str(KGO.inMeasure), str(KGO.problemScheme), str(KGO.answers),
               "http://www.w3.org/2004/02/skos/core#inScheme", "http://www.w3.org/2004/02/skos/core#topConceptOf",
               "http://www.w3.org/2004/02/skos/core#hasTopConcept"}
_PFX = " ".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items())


def load_store(nquads: bytes) -> ox.Store:
    """An in-memory Oxigraph store holding ``nquads``."""
    st = ox.Store()
    if nquads:
        st.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    return st


def _rows(st: ox.Store, sparql: str):
    return st.query(_PFX + "\n" + sparql, use_default_graph_as_union=True)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _pick(values: list[tuple[str, str]]) -> str | None:
    """The Chinese (then untagged, then any) literal, the smallest of its rank."""
    best = None
    for val, lang in values:
        s = val.strip()
        if not s:
            continue
        lang = (lang or "").lower()
        key = (0 if lang.startswith("zh") else 1 if not lang else 2, s)
        if best is None or key < best:
            best = key
    return best[1] if best else None


#: what a graph contributes to the model, read with one query each: rows of plain strings (None: unbound).
#: A change here (or in what :func:`assemble` makes of them) must change :data:`MODEL_VERSION`.
_RAW_QUERIES = {
    "types": "SELECT ?s ?t WHERE { ?s a ?t FILTER(isIRI(?s)) }",
    "kinds": "SELECT ?s ?k WHERE { ?s kgo:documentKind ?k }",
    "inReport": "SELECT ?s ?r WHERE { ?s kgo:inReport ?r }",
    "numbers": "SELECT ?s ?n WHERE { ?s kgo:number ?n }",
    "labels": ("SELECT ?s ?p ?o (LANG(?o) AS ?lang) WHERE { VALUES ?p { "
               + " ".join(f"<{p}>" for p in _LABEL_PREDS.values()) + " } ?s ?p ?o FILTER(isLiteral(?o)) }"),
    "figures": "SELECT ?s ?v ?u WHERE { ?s a kgo:Figure ; rdf:value ?v OPTIONAL { ?s kgo:unit ?u } }",
    "links": ("SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isIRI(?s) && isIRI(?o) && ?p NOT IN ("
              + ", ".join(f"<{p}>" for p in sorted(_SKIP_EDGES)) + ")) }"),
    "mentions": "SELECT ?m ?t WHERE { ?m kgo:mentions ?t }",
    "inMeasure": "SELECT ?m ?ms WHERE { ?m kgo:inMeasure ?ms }",
    "action": "SELECT ?m ?a WHERE { ?m kgo:action ?a }",
    "negated": "SELECT ?m WHERE { ?m kgo:negated true }",
    "evidence": "SELECT ?s ?a ?b ?l WHERE { ?s kgo:evidence ?e . ?e oa:start ?a ; oa:end ?b OPTIONAL { ?e kgo:line ?l } }",
    "reports": """SELECT ?r ?t ?id ?text ?issuer ?fb WHERE { ?r a kgo:Report .
      OPTIONAL { ?r dcterms:title ?t } OPTIONAL { ?r dcterms:identifier ?id } OPTIONAL { ?r kgo:normalizedText ?text }
      OPTIONAL { ?r dcterms:publisher/skos:prefLabel ?issuer } OPTIONAL { ?r kgo:feedbackDate ?fb } }""",
}
#: the version of the page model and of the per-report parts cached by :func:`read_raw`'s callers
MODEL_VERSION = 2


def read_raw(st: ox.Store, graph: str | None = None) -> dict[str, list]:
    """What the graphs in ``st`` (or its named graph ``graph`` alone) contribute to the page model: each
    query's rows as lists of strings (a cacheable part: a report graph read alone gives the rows it gives
    inside the whole build)."""
    out = {}
    for name, q in _RAW_QUERIES.items():
        res = (_rows(st, q) if graph is None else
               st.query(_PFX + "\n" + q, default_graph=ox.NamedNode(graph)))
        out[name] = [[None if t is None else t.value for t in row] for row in res]
    return out


def read_raw_graphs(st: ox.Store) -> dict[str, dict[str, list]]:
    """:func:`read_raw` of every named graph in ``st`` at once (each query run once, inside ``GRAPH ?g``):
    graph IRI → its part."""
    out: dict[str, dict[str, list]] = defaultdict(lambda: {name: [] for name in _RAW_QUERIES})
    for name, q in _RAW_QUERIES.items():
        head, body = q.split("WHERE", 1)
        sparql = f"{head.replace('SELECT', 'SELECT ?g', 1)} WHERE {{ GRAPH ?g {body.strip()} }}"
        for row in st.query(_PFX + "\n" + sparql):
            out[row[0].value][name].append([None if t is None else t.value for t in list(row)[1:]])
    return dict(out)


def merge_raw(parts) -> dict[str, list]:
    """The parts of several graphs as one."""
    out: dict[str, list] = {name: [] for name in _RAW_QUERIES}
    for part in parts:
        for name in _RAW_QUERIES:
            out[name].extend(part.get(name, ()))
    return out


def build_model(st: ox.Store, title: str | None = None, table_rows: int = 10000) -> dict:
    """The page model of the graph in ``st`` (see the module docstring)."""
    return assemble(read_raw(st), terms(st), title=title, table_rows=table_rows)


def assemble(raw: dict[str, list], term_list: list[str], title: str | None = None, table_rows: int = 10000,
             scope: dict | None = None) -> dict:
    """The page model of the merged parts ``raw`` (see :func:`read_raw`) and the completion terms.

    ``scope`` says what the page holds when it is not the whole build: ``{"kind": "corpus", "counts": {report
    IRI: {type: n}}, …}`` (the corpus page: the reports and the shared nodes of :func:`corpus_raw`, counts
    per report, no text) or ``{"kind": "report", …}`` (one report's page served by ``kg serve``); kept in
    the model as ``scope`` for the page script."""
    rows = raw.__getitem__
    reports = _reports(rows("reports"))
    rindex = {r["iri"]: i for i, r in enumerate(reports)}
    prefixes = sorted((r["iri"] for r in reports), key=len, reverse=True)

    def report_of(iri: str) -> int:
        for p in prefixes:
            if iri == p or iri.startswith(p + "/"):
                return rindex[p]
        return -1

    # -- nodes: typed subjects of a known class
    types: dict[str, set] = defaultdict(set)
    kinds: dict[str, str] = {}
    in_report: dict[str, set] = defaultdict(set)
    numbers: dict[str, int] = {}
    for s, t in rows("types"):
        types[s].add(t)
    for s, k in rows("kinds"):
        kinds[s] = k
    for s, r in rows("inReport"):
        in_report[s].add(r)
    for s, n in rows("numbers"):
        if _int(n) is not None:
            numbers[s] = _int(n)
    labels: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    pred_key = {v: k for k, v in _LABEL_PREDS.items()}
    for s, p, o, lang in raw["labels"]:
        labels[s][pred_key[p]].append((o, lang or None))
    figure_vals = {s: (v, u or "") for s, v, u in raw["figures"]}

    ntype: dict[str, str] = {}
    for s, ts in types.items():
        t = _node_type(ts, kinds.get(s))
        if t:
            ntype[s] = t
    nreport: dict[str, int] = {}
    for s, t in ntype.items():
        if t == "report":
            nreport[s] = rindex.get(s, -1)
            continue
        rs = sorted(rindex[r] for r in in_report.get(s, ()) if r in rindex)
        nreport[s] = rs[0] if rs else report_of(s)

    def label(s: str, t: str) -> str:
        lab = labels.get(s, {})
        if t in DOCUMENT_TYPES:
            order = ("title", "prefLabel", "label")
        elif t in ("measure", "section"):
            order = ("heading", "title", "prefLabel", "label")
        elif t == "figure":
            txt = _pick(lab.get("text", []))
            if txt:
                return txt
            if s in figure_vals:
                return "".join(figure_vals[s])
            order = tuple(_LABEL_PREDS)
        elif t == "anomaly":
            order = ("text", "label")
        else:
            order = tuple(_LABEL_PREDS)
        for k in order:
            v = _pick(lab.get(k, []))
            if v:
                return v
        zh = next(x["zh"] for x in TYPES if x["key"] == t)
        if s in numbers:
            return f"{zh} {numbers[s]}"
        return re.split(r"[#/]", s.rstrip("/#"))[-1]

    order = sorted(ntype, key=lambda s: (nreport[s] if nreport[s] >= 0 else 10**6, LEVEL[ntype[s]],
                                         numbers.get(s, 10**6), natural_key(s)))
    nid = {s: i for i, s in enumerate(order)}
    nodes = [[s, ntype[s], label(s, ntype[s]), nreport[s], numbers.get(s)] for s in order]

    # -- edges: IRI → IRI relations between nodes, and mentions collapsed into measure → target
    edges: set[tuple] = set()
    for s, p, o in raw["links"]:
        if p in _SKIP_EDGES or s not in nid or o not in nid or s == o:
            continue
        edges.add((nid[s], nid[o], re.split(r"[#/]", p)[-1], ""))
    mentions: dict[str, dict] = defaultdict(lambda: {"targets": set(), "measures": set(), "action": "",
                                                     "negated": False, "doc": False})
    for m, t in rows("mentions"):
        mentions[m]["targets"].add(t)
    for m, ms in rows("inMeasure"):
        if m in nid and ms in nid:        # a figure (a node) in its measure
            edges.add((nid[ms], nid[m], "mentions", ""))
        elif m in mentions:
            mentions[m]["measures"].add(ms)
    for m, a in rows("action"):
        if m in mentions:
            mentions[m]["action"] = a
    for (m,) in rows("negated"):
        if m in mentions:
            mentions[m]["negated"] = True
    for m, d in mentions.items():
        for t in d["targets"]:
            for ms in d["measures"]:
                if t in nid and ms in nid:
                    edges.add((nid[ms], nid[t], "mentions", d["action"]))

    # -- facts: evidence spans of nodes and of mentions
    evidence: dict[str, list] = defaultdict(list)
    for s, a, b, ln in rows("evidence"):
        if _int(a) is not None and _int(b) is not None:
            evidence[s].append((_int(a), _int(b), _int(ln) or 0))
    facts: set[tuple] = set()
    mention_facts: dict[str, list] = defaultdict(list)
    for s, spans in evidence.items():
        if s in nid and ntype[s] != "report":
            r = nreport[s]
            for a, b, ln in spans:
                if r >= 0:
                    facts.add((r, a, b, nid[s], ntype[s], ln, ""))
        elif s in mentions:
            d = mentions[s]
            for t in sorted(d["targets"]):
                if t not in nid:
                    continue
                r = report_of(s)
                if r < 0:
                    r = nreport[t]
                for a, b, ln in spans:
                    if r >= 0:
                        f = (r, a, b, nid[t], ntype[t], ln, ("!" if d["negated"] else "") + d["action"])
                        facts.add(f)
                        mention_facts[s].append(f)
    fact_list = sorted(facts, key=lambda f: (f[0], f[1], -f[2], LEVEL[f[4]], f[3]))
    fidx = {f: i for i, f in enumerate(fact_list)}

    # -- trace rows: (report, document, problem) with the strongest action, its measures and facts
    up: dict[int, dict[str, int]] = defaultdict(dict)
    for u, v, rel, _ in edges:
        if rel in ("addresses", "broader"):
            up[u].setdefault(rel, v)
    rows: dict[tuple, dict] = {}
    for m, d in mentions.items():
        docs = [t for t in d["targets"] if t in nid and ntype[t] in DOCUMENT_TYPES]
        if not docs:
            continue
        for doc in docs:
            for ms in sorted(d["measures"]):
                if ms not in nid:
                    continue
                prob = up[nid[ms]].get("addresses", -1)
                asp = up[prob].get("broader", -1) if prob >= 0 else -1
                key = (nreport[doc], nid[doc], prob)
                row = rows.setdefault(key, {"actions": set(), "measures": set(), "facts": set(), "aspect": asp,
                                            "negated": True})
                if d["action"]:
                    row["actions"].add(d["action"])
                row["measures"].add(nid[ms])
                row["negated"] = row["negated"] and d["negated"]
                row["facts"].update(fidx[f] for f in mention_facts[m] if f[3] == nid[doc])
    trace = []
    for (r, doc, prob), row in rows.items():
        acts = sorted(row["actions"], key=lambda a: (ACTION_RANK.index(a) if a in ACTION_RANK else 99, a))
        trace.append([doc, acts[0] if acts else "", prob, row["aspect"], r,
                      sorted(row["measures"]), sorted(row["facts"]), row["negated"]])
    trace.sort(key=lambda t: (t[4], nodes[t[2]][4] if t[2] >= 0 and nodes[t[2]][4] is not None else 10**6,
                              t[2], nodes[t[0]][2], t[0]))

    counts = (scope or {}).get("counts") or {}
    for r in reports:
        if r["iri"] in counts:
            r["counts"] = counts[r["iri"]]
        r["lines"] = _line_numbers(r["text"], [(f[1], f[5]) for f in fact_list if f[0] == rindex[r["iri"]]])

    return {
        "v": 1,
        "title": title or _default_title(reports),
        "kgr": str(KGR),
        "prefixes": {p: str(ns) for p, ns in PREFIXES.items()},
        "queries": [_query_entry(n) for n in NAMED],
        "terms": term_list,
        "types": TYPES,
        "actions": ACTION_LABELS,
        "kinds": {k: v for k, v in KIND_TYPES.items()},
        # the limits and refusals of `kg query` (kg.store.guard), with its messages
        "limits": {"maxRows": DEFAULT_MAX_ROWS, "timeoutS": DEFAULT_TIMEOUT, "tableRows": table_rows, "update": list(UPDATE_KEYWORDS),
                   "readOnly": read_only_message("{kw}"), "dataset": dataset_message("{kw}")},
        "reports": reports,
        "nodes": [[_compact(n[0]), n[1], n[2], n[3], n[4]] for n in nodes],
        "edges": sorted(list(e) for e in edges),
        "facts": [list(f) for f in fact_list],
        "trace": trace,
        "scope": {k: v for k, v in (scope or {"kind": "build"}).items() if k != "counts"},
    }


#: what the corpus page reads of every report graph (no text: titles, issuers, dates and counts)
CORPUS_QUERIES = {
    "reports": """SELECT ?r ?t ?id ?issuer ?fb WHERE { GRAPH ?g { ?r a kgo:Report .
      OPTIONAL { ?r dcterms:title ?t } OPTIONAL { ?r dcterms:identifier ?id }
      OPTIONAL { ?r dcterms:publisher/skos:prefLabel ?issuer } OPTIONAL { ?r kgo:feedbackDate ?fb } } }""",
    "counts": """SELECT ?g ?t (COUNT(?s) AS ?n) WHERE { GRAPH ?g { ?s a ?t }
      VALUES ?t { kgo:Aspect kgo:ProblemCategory kgo:Measure kgo:Document } } GROUP BY ?g ?t""",
}
#: the counts' keys in the page (``reports[i].counts``)
COUNT_KEYS = {str(KGO.Aspect): "aspects", str(KGO.ProblemCategory): "problems", str(KGO.Measure): "measures",
              str(KGO.Document): "documents"}


def corpus_query(name: str) -> str:
    """One of :data:`CORPUS_QUERIES` with the project's prefixes."""
    return _PFX + "\n" + CORPUS_QUERIES[name]


def corpus_raw(report_rows, shared: dict[str, list]) -> dict[str, list]:
    """The part of the corpus page: every report (``report_rows``: rows of ``CORPUS_QUERIES["reports"]`` as
    ``[r, title, id, issuer, date]``) as a node, with the part ``shared`` (:func:`read_raw` of what the page
    keeps of the build's summaries: the documents and units several reports name)."""
    out = merge_raw([shared])
    out["types"] += [[r, str(KGO.Report)] for r, *_ in report_rows]
    out["reports"] += [[r, t, rid, None, issuer, fb] for r, t, rid, issuer, fb in report_rows]
    return out


def _compact(iri: str) -> str:
    k = str(KGR)
    return "kgr:" + iri[len(k):] if iri.startswith(k) else iri


def _node_type(ts: set, kind: str | None) -> str | None:
    for cls, key in _CLASS_TYPES:
        if cls in ts:
            if key == "document" and kind in KIND_TYPES:
                return KIND_TYPES[kind]
            return key
    return None


def _reports(rows) -> list[dict]:
    got: dict[str, dict] = {}
    for r, t, rid, text, issuer, fb in rows:
        d = got.setdefault(r, {"iri": r, "id": r.rstrip("/").rsplit("/", 1)[-1],
                                     "title": "", "issuer": "", "date": "", "text": ""})
        d["title"] = min(filter(None, [d["title"], t]), default="")
        d["issuer"] = min(filter(None, [d["issuer"], issuer]), default="")
        d["date"] = min(filter(None, [d["date"], fb]), default="")
        d["text"] = max(filter(None, [d["text"], text]), default="", key=len)
        if rid is not None and re.fullmatch(r"[A-Za-z0-9_.-]+", rid):
            d["id"] = rid
    return sorted(got.values(), key=lambda d: natural_key(d["iri"]))


def _line_numbers(text: str, anchors: list[tuple[int, int]]) -> list[int]:
    """The original line number of each line of the normalized text: the smallest line of the evidence
    starting on it; lines with none are interpolated between their anchored neighbours."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    known: dict[int, int] = {}
    for off, ln in anchors:
        if ln <= 0:
            continue
        i = bisect.bisect_right(starts, off) - 1
        if i >= 0 and (i not in known or ln < known[i]):
            known[i] = ln
    out = []
    idx = sorted(known)
    for i in range(len(starts)):
        if i in known:
            out.append(known[i])
            continue
        j = bisect.bisect_left(idx, i)
        prev = idx[j - 1] if j > 0 else None
        nxt = idx[j] if j < len(idx) else None
        if prev is not None and nxt is not None:
            step = (known[nxt] - known[prev]) / (nxt - prev)
            out.append(known[prev] + max(1, round((i - prev) * step)))
        elif prev is not None:
            out.append(known[prev] + (i - prev))
        elif nxt is not None:
            out.append(max(1, known[nxt] - (nxt - i)))
        else:
            out.append(i + 1)
    # never decreasing (a joined paragraph can make an anchor larger than the next line's)
    for i in range(1, len(out)):
        out[i] = max(out[i], out[i - 1])
    return out


def _default_title(reports: list[dict]) -> str:
    if not reports:
        return "知识图谱"
    if len(reports) == 1:
        return reports[0]["title"] or reports[0]["id"]
    return f"{len(reports)} 份巡视整改进展情况通报"


def _query_entry(name: str) -> dict:
    text = named_query(name) or ""
    doc = " ".join(ln.lstrip("# ").strip() for ln in text.splitlines() if ln.startswith("#"))
    return {"name": name, "doc": doc, "text": text}


def terms(st: ox.Store) -> list[str]:
    """``prefix:local`` names for completion: the ontology's terms and every term the named queries use."""
    out = set()
    ns = sorted(((p, str(n)) for p, n in PREFIXES.items()), key=lambda x: -len(x[1]))
    for (s,) in _rows(st, f"SELECT DISTINCT ?s WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s a ?t }} FILTER(isIRI(?s)) }}"):
        for p, n in ns:
            if s.value.startswith(n) and re.fullmatch(r"[A-Za-z_][\w-]*", s.value[len(n):]):
                out.add(f"{p}:{s.value[len(n):]}")
                break
    for name in NAMED:
        for m in re.finditer(r"(?<![\w<])([a-z]+):([A-Za-z_][\w-]*)", named_query(name) or ""):
            if m.group(1) in PREFIXES:
                out.add(m.group(0))
    return sorted(out)


__all__ = ["corpus_raw", "corpus_query", "CORPUS_QUERIES", "COUNT_KEYS", "build_model", "load_store", "read_raw", "read_raw_graphs", "merge_raw", "assemble", "terms", "MODEL_VERSION", "TYPES", "STRUCTURE"]
