/* kg explorer — app.js: views, the report in view, selection, query results, search, permalinks, keys. */
(function (KG) {
  "use strict";
  var M = KG.model, S = KG.sparql, G = KG.graph;
  var A = KG.app = {};
  var state = KG.state = { view: "trace", report: null, node: null, row: null, q: "", result: null, resultRow: null, resultGraph: false };

  // ------------------------------------------------------------------ header: the report in view
  A.setReport = function (r) {
    if (r === state.report) return;
    state.report = r;
    var rep = r >= 0 ? M.reports[r] : null;
    KG.$("title").textContent = rep ? (rep.title || rep.id) : M.title;
    var sub;
    if (rep) {
      sub = [rep.id, rep.issuer, rep.date ? "反馈/通报 " + rep.date : "", M.reports.length > 1 ? "（共 " + M.reports.length + " 份通报）" : ""];
    } else {
      sub = [M.reports.length + " 份通报", KG.nodes.length + " 个节点", KG.facts.length + " 处标注"];
    }
    KG.$("subtitle").textContent = sub.filter(Boolean).join(" · ");
    document.title = (rep ? (rep.title || rep.id) : M.title) + " · kg explorer";
    KG.$("report").value = String(r);
    if (r >= 0) KG.source.show(r);
  };

  // ------------------------------------------------------------------ views
  var VIEWS = ["trace", "query", "source", "graph"];
  A.setView = function (v, gopts) {
    if (VIEWS.indexOf(v) < 0) v = "trace";
    var was = state.view;
    state.view = v;
    document.body.className = "view-" + v;
    VIEWS.forEach(function (x) {
      var tab = KG.$("tab-" + x);
      tab.setAttribute("aria-selected", x === v ? "true" : "false");
      tab.tabIndex = x === v ? 0 : -1;
    });
    KG.$("pane-trace").hidden = v !== "trace";
    KG.$("pane-query").hidden = v !== "query";
    KG.$("pane-gview").hidden = v !== "graph";
    if (v === "query" && !S.text()) S.setText(M.queries.length ? namedText("regulations") : "SELECT * WHERE { ?s ?p ?o } LIMIT 10");
    if (v === "graph") {
      // the Graph tab: the view asked for, else the one open, else the corpus (several reports) or the report's overview
      if (gopts) KG.gview.open(gopts.kind, gopts);
      else if (KG.gview.kind && was !== "graph") KG.gview.render({ select: state.node });
      else if (!KG.gview.kind) KG.gview.open(null, { report: state.report !== null && state.report >= 0 && M.reports.length === 1 ? state.report : -1 });
    } else if (G.network && G.spec) {         // the graph's pane changed size: open it again, readable
      G.network.setSize("100%", "100%");
      G.network.redraw();
      G.open(G.selected);
    }
    A.saveHash();
  };
  function namedText(name) {
    var q = M.queries.filter(function (x) { return x.name === name; })[0] || M.queries[0];
    return q ? q.text : "";
  }

  // ------------------------------------------------------------------ selection
  /* select model node i: graph (its neighbourhood, unless the graph already holds it and was clicked),
     its highlights in the source, its details; opts.from = graph | source | trace | search | query | hash */
  A.selectNode = function (i, opts) {
    opts = opts || {};
    var n = KG.nodes[i];
    if (!n) return;
    state.node = i;
    if (opts.from !== "trace") { state.row = null; }
    var inGraph = G.byId && G.byId.has("n" + i);
    if (state.view === "graph" && !opts.keepGraph && opts.from !== "gview") {
      KG.gview.open("node", { node: i, depth: KG.gview.depth, select: i });
    } else if (!opts.keepGraph && !(opts.from === "graph" && !opts.expand && inGraph)) {
      G.show(KG.specOf(KG.neighbourhood(i), KG.nodeTitle(n)), { focus: "n" + i, select: "n" + i });
    } else {
      G.select("n" + i);
    }
    if (n.report >= 0) A.setReport(n.report);
    KG.source.select(i, opts.fact);
    A.showDetails(i);
    A.saveHash();
  };

  A.showDetails = function (i, other) {
    var box = KG.clear(KG.$("details"));
    if (i === null || i === undefined) {
      if (!other) { box.appendChild(KG.el("div", "muted", "点击图中或原文中的一项查看详情 · click a node or a highlight for its details")); return; }
      box.appendChild(KG.el("h2", "", KG.typeName(other.type) + " · " + (other.full || other.label)));
      if (other.iri) box.appendChild(KG.el("div", "iri", other.iri));
      return;
    }
    var n = KG.nodes[i];
    var h = KG.el("h2"), tag = KG.el("span", "tag", KG.types[n.type].zh);
    tag.style.background = KG.color(n.type);
    h.appendChild(tag);
    h.appendChild(document.createTextNode(" " + n.label));
    box.appendChild(h);
    box.appendChild(KG.el("div", "iri", KG.compact(n.iri) + (n.report >= 0 ? " · 通报 " + KG.reportLabel(n.report) : "")));
    var facts = (KG.factsOf.get(i) || []).map(function (k) { return KG.facts[k]; });
    if (facts.length) {
      box.appendChild(KG.el("div", "muted", "原文 " + facts.length + " 处 · evidence (click to show):"));
      var ul = KG.el("ul");
      facts.slice(0, 30).forEach(function (f) {
        var rep = M.reports[f.r], li = KG.lineIndex(f.r, f.start);
        var lineText = rep.text.slice(rep.starts[li], li + 1 < rep.starts.length ? rep.starts[li + 1] - 1 : rep.text.length);
        var a = Math.max(0, f.start - rep.starts[li] - 16);
        var item = KG.el("li", "", (M.reports.length > 1 ? rep.id + " " : "") + "第" + f.line + "行" +
          (f.action ? " · " + KG.actionName(f.action) : "") + "：" + (a > 0 ? "…" : "") + KG.short(lineText.slice(a), 70));
        item.tabIndex = 0;
        item.dataset.f = f.i;
        ul.appendChild(item);
      });
      box.appendChild(ul);
    }
    if (n.report < 0 && n.type !== "report") {
      var cites = KG.citations(i);
      if (cites.length) {
        box.appendChild(KG.el("div", "muted", "跨通报 across reports · " + cites.length + " 份通报 reports:"));
        var cl = KG.el("ul", "cites");
        cites.forEach(function (c) {
          var item = KG.el("li", "", KG.reportLabel(c.r) + " · " + (c.actions.length ? c.actions.map(KG.actionName).join("、") : "提及 named"));
          item.tabIndex = 0;
          item.dataset.r = c.r;
          cl.appendChild(item);
        });
        box.appendChild(cl);
      }
    }
    var centre = KG.el("button", "", "以此为中心 Centre the graph here");
    centre.type = "button";
    centre.addEventListener("click", function () {
      if (state.view !== "graph") A.setView("graph", { kind: "node", node: i, depth: KG.gview.depth, select: i });
      else KG.gview.open("node", { node: i, depth: KG.gview.depth, select: i });
      A.saveHash();
    });
    box.appendChild(centre);
    var rows = KG.trace.rows.filter(function (r) { return r.doc === i || r.prob === i; });
    if (rows.length) {
      var b = KG.el("button", "", "追溯表中 " + rows.length + " 行 · show in trace");
      b.type = "button";
      b.addEventListener("click", function () {
        A.setView("trace");
        // a problem category: its rows (the category filter); a document: the rows naming it
        var prob = n.type === "problem";
        KG.trace.setFilters({ action: "", report: String(n.report >= 0 ? n.report : ""), aspect: "", kind: "",
                              problem: prob ? String(i) : "", text: prob ? "" : n.label });
        A.saveHash();
      });
      box.appendChild(b);
    }
  };

  // ------------------------------------------------------------------ query
  var labelIndex = null;
  function byLabel(s) {
    if (!labelIndex) {
      labelIndex = new Map();
      KG.nodes.forEach(function (n) {
        var k = n.label;
        if (!labelIndex.has(k)) labelIndex.set(k, []);
        labelIndex.get(k).push(n.i);
      });
    }
    return labelIndex.get(s) || [];
  }
  /* the model nodes a result row stands for: its IRIs, and literals naming a node (in the row's report);
     problem_no / aspect_no with a report → that problem / aspect; line → a line of the report */
  A.rowEntities = function (row, vars) {
    var ids = [], r = -1, line = null;
    vars.forEach(function (v) {
      var t = row[v];
      if (t && t.type === "uri" && KG.reportIndex.has(t.value)) r = KG.reportIndex.get(t.value);
    });
    vars.forEach(function (v) {
      var t = row[v];
      if (!t) return;
      if (t.type === "uri") { if (KG.byIri.has(t.value)) ids.push(KG.byIri.get(t.value)); return; }
      if (t.type !== "literal") return;
      var num = /^\d+$/.test(t.value) ? Number(t.value) : null;
      if (num !== null && r >= 0 && /problem|aspect/i.test(v)) {
        var want = /problem/i.test(v) ? "problem" : "aspect";
        KG.nodes.forEach(function (n) { if (n.report === r && n.type === want && n.number === num) ids.push(n.i); });
        return;
      }
      if (num !== null && /line/i.test(v)) { line = num; return; }
      var hits = byLabel(t.value).filter(function (i) { return r < 0 || KG.nodes[i].report === r; });
      if (hits.length) ids.push(hits[0]);
    });
    ids = Array.from(new Set(ids));
    var main = ids.filter(function (i) { return KG.nodes[i].type !== "report"; })[0];
    if (main === undefined) main = ids.length ? ids[0] : (r >= 0 ? KG.reportNode[r] : -1);
    return { ids: ids, main: main, report: r, line: line };
  };

  function cellText(t) {
    if (!t) return "";
    if (t.type === "uri") return KG.compact(t.value);
    if (t.type === "bnode") return "_:" + t.value;
    return t.value;
  }

  A.runQuery = function (text) {
    if (text !== undefined) S.setText(text);
    var q = S.text(), st = KG.$("query-status");
    state.q = q;
    state.result = null;
    state.resultRow = null;
    A.saveHash();
    st.className = "";
    ["dl-csv", "dl-json", "res-graph"].forEach(function (id) { KG.$(id).disabled = true; });
    var table = KG.$("results");
    KG.clear(table.tHead); KG.clear(table.tBodies[0]);
    var res, n = state.queryRun = (state.queryRun || 0) + 1;
    function failed(e) {
      st.className = "error";
      st.textContent = (e.refused ? "" : "查询失败 · ") + (e && e.message ? e.message : String(e));
      KG.lastError = st.textContent;
      return null;
    }
    try {
      res = S.run(q);
    } catch (e) {
      return failed(e);
    }
    if (res && typeof res.then === "function") {   // through kg serve: the answer comes later
      st.textContent = S.useServer && S.server ? "查询中… · querying kg serve" :
        "运行中… · running (Esc or 停止 Cancel stops it; time limit " + KG.engine.timeoutMs / 1000 + " s, as kg query)";
      return res.then(function (r) { return n === state.queryRun ? showResult(r) : null; },
                      function (e) { return n === state.queryRun ? failed(e) : null; });
    }
    return showResult(res);
  };

  function showResult(res) {
    var st = KG.$("query-status");
    state.result = res;
    state.sort = null;
    KG.$("dl-csv").disabled = false;
    KG.$("dl-json").disabled = false;
    if (res.kind === "ask") {
      st.textContent = "ASK → " + res.boolean + " · " + res.ms + " ms";
      return res;
    }
    var n = res.rows.length;
    var cap = M.limits.tableRows;
    st.textContent = n + " 行 rows · " + res.ms + " ms" +
      (res.truncated ? " · 只有前 " + (res.cap || M.limits.maxRows) + " 行 (the row cap of kg query): add LIMIT or narrow the query" : "") +
      (n > cap ? " · 表中显示前 " + cap + " 行（下载含全部）" : "");
    renderResults();
    // a graph for results that hold IRIs, name nodes of the graph, or are triples (CONSTRUCT)
    var hasIri = res.kind === "graph" || res.rows.slice(0, 200).some(function (row) {
      return res.vars.some(function (v) { return row[v] && row[v].type === "uri"; }) || A.rowEntities(row, res.vars).ids.length > 0;
    });
    KG.$("res-graph").disabled = !hasIri;
    if (res.kind === "graph" || state.resultGraph) A.showResultGraph();
    return res;
  }

  function renderResults() {
    var res = state.result, table = KG.$("results");
    KG.clear(table.tHead); KG.clear(table.tBodies[0]);
    var hr = KG.el("tr");
    res.vars.forEach(function (v) {
      var th = KG.el("th", "", v);
      th.scope = "col";
      th.dataset.key = v;
      th.setAttribute("aria-sort", state.sort && state.sort.key === v ? (state.sort.dir > 0 ? "ascending" : "descending") : "none");
      hr.appendChild(th);
    });
    table.tHead.appendChild(hr);
    var order = res.rows.map(function (_, k) { return k; });
    if (state.sort) {
      var s = state.sort;
      order.sort(function (a, b) { return s.dir * KG.cmp(cellText(res.rows[a][s.key]), cellText(res.rows[b][s.key])) || (a - b); });
    }
    var frag = document.createDocumentFragment();
    order.slice(0, M.limits.tableRows).forEach(function (k) {
      var row = res.rows[k], tr = KG.el("tr");
      tr.dataset.k = k;
      tr.tabIndex = 0;
      tr.setAttribute("aria-selected", state.resultRow === k ? "true" : "false");
      res.vars.forEach(function (v) {
        var td = KG.el("td", "", cellText(row[v]));
        if (row[v] && row[v].type === "uri") td.title = row[v].value;
        tr.appendChild(td);
      });
      frag.appendChild(tr);
    });
    table.tBodies[0].appendChild(frag);
  }

  A.selectResultRow = function (k) {
    var res = state.result;
    if (!res || !res.rows[k]) return;
    state.resultRow = k;
    KG.$("results").querySelectorAll("tbody tr").forEach(function (tr) {
      tr.setAttribute("aria-selected", Number(tr.dataset.k) === k ? "true" : "false");
    });
    var ent = A.rowEntities(res.rows[k], res.vars);
    if (ent.main < 0) {
      if (ent.report >= 0 && ent.line !== null) revealLine(ent.report, ent.line);
      return ent;
    }
    var idx = KG.neighbourhood(ent.main).concat(ent.ids);
    var extra = ent.ids.filter(function (i) { return i !== ent.main; }).map(function (i) {
      return { from: "n" + ent.main, to: "n" + i, rel: "row", dashed: true };
    });
    G.show(KG.specOf(idx, "结果第 " + (k + 1) + " 行 · " + KG.nodeTitle(KG.nodes[ent.main]), extra), { focus: "n" + ent.main, select: "n" + ent.main });
    // the fact on the row's line, if the row names one
    var fact = null;
    if (ent.line !== null) {
      (KG.factsOf.get(ent.main) || []).forEach(function (fi) { if (fact === null && KG.facts[fi].line === ent.line) fact = fi; });
    }
    A.selectNode(ent.main, { from: "query", keepGraph: true, fact: fact });
    if (fact === null && ent.line !== null && ent.report >= 0 && !(KG.factsOf.get(ent.main) || []).length) revealLine(ent.report, ent.line);
    return ent;
  };

  function revealLine(r, line) {
    var rep = M.reports[r], li = 0;
    for (var k = 0; k < rep.lines.length; k++) if (rep.lines[k] <= line) li = k;
    A.setReport(r);
    return KG.source.revealLine(r, li);
  }

  /* the results as a graph: the nodes of every row (IRIs and named nodes) or the triples of a CONSTRUCT */
  A.showResultGraph = function () {
    var res = state.result;
    if (!res) return;
    state.resultGraph = true;
    KG.$("res-graph").setAttribute("aria-pressed", "true");
    var CAP = 150;
    if (res.kind === "graph") {
      var nodes = new Map(), edges = [], names = new Map();
      res.triples.forEach(function (t) {
        if (t[2].type === "literal" && /#(prefLabel|title|label|name)$|\/(title|name)$/.test(t[1].value) && !names.has(t[0].value)) names.set(t[0].value, t[2].value);
      });
      function add(t) {
        if (t.type === "literal" || nodes.has(t.value) || nodes.size >= CAP) return nodes.has(t.value);
        var mi = KG.byIri.has(t.value) ? KG.byIri.get(t.value) : null;
        var spec = mi !== null ? KG.nodeSpec(mi) : { id: "x" + nodes.size, label: names.get(t.value) || KG.compact(t.value),
          full: t.value, type: "other", model: null, iri: t.value };
        nodes.set(t.value, spec);
        return true;
      }
      res.triples.forEach(function (t) {
        if (t[2].type === "literal") { add(t[0]); return; }
        if (add(t[0]) && add(t[2])) edges.push({ from: nodes.get(t[0].value).id, to: nodes.get(t[2].value).id, rel: KG.compact(t[1].value) });
      });
      G.show({ title: "CONSTRUCT · " + nodes.size + " 个节点", nodes: Array.from(nodes.values()), edges: edges });
      return;
    }
    var ids = [], extra = [];
    res.rows.slice(0, 400).forEach(function (row) {
      var ent = A.rowEntities(row, res.vars);
      ent.ids.forEach(function (i) { if (ids.length < CAP && ids.indexOf(i) < 0) ids.push(i); });
      ent.ids.forEach(function (i) {
        if (i !== ent.main && ent.main >= 0) extra.push({ from: "n" + ent.main, to: "n" + i, rel: "row", dashed: true });
      });
    });
    var spec = KG.specOf(ids, "查询结果 · " + ids.length + " 个节点", extra);
    G.show(spec, {});
  };

  // ------------------------------------------------------------------ search
  var matches = [], active = -1;
  A.search = function (q) {
    q = (q || "").trim();
    var out = [];
    if (!q) return out;
    var low = q.toLowerCase();
    M.reports.forEach(function (rep, r) {
      if (rep.id.toLowerCase().indexOf(low) >= 0 || (rep.title && rep.title.indexOf(q) >= 0))
        out.push({ kind: "通报", color: KG.color("report"), what: rep.title || rep.id, where: rep.id, act: function () { pickReport(r); } });
    });
    var lm = /^(?:第\s*)?(\d{1,5})\s*行?$|^(?:l|line\s*)(\d{1,5})$/i.exec(q);
    if (lm) {
      var n = Number(lm[1] || lm[2]);
      var order = M.reports.map(function (_, r) { return r; }).sort(function (a, b) { return (b === state.report) - (a === state.report) || a - b; });
      order.forEach(function (r) {
        var rep = M.reports[r], li = rep.lines.indexOf(n);
        if (li < 0) return;
        var text = rep.text.slice(rep.starts[li], li + 1 < rep.starts.length ? rep.starts[li + 1] - 1 : rep.text.length);
        out.push({ kind: "行", color: "#455a64", what: KG.short(text, 60) || "（空行）", where: rep.id + " 第" + n + "行",
                   act: function () { A.setReport(r); KG.source.revealLine(r, li); } });
      });
    }
    var names = KG.nodes.filter(function (n) { return n.label.toLowerCase().indexOf(low) >= 0; });
    names.sort(function (a, b) {
      return ((b.label === q) - (a.label === q)) || (a.label.length - b.label.length) ||
        (KG.types[a.type].level - KG.types[b.type].level) || (a.i - b.i);
    });
    names.slice(0, 40).forEach(function (n) {
      out.push({ kind: KG.types[n.type].zh, color: KG.color(n.type), what: n.label, where: KG.reportLabel(n.report), node: n.i,
                 act: function () { A.selectNode(n.i, { from: "search" }); } });
    });
    if (Array.from(q).length >= 2) {
      var count = 0;
      M.reports.forEach(function (rep, r) {
        var at = rep.text.indexOf(q);
        while (at >= 0 && count < 40) {
          (function (at) {
            var a = Math.max(0, at - 14), b = Math.min(rep.text.length, at + q.length + 24);
            out.push({ kind: "原句", color: "#6d4c41", what: (a > 0 ? "…" : "") + rep.text.slice(a, b).replace(/\n/g, " ") + (b < rep.text.length ? "…" : ""),
                       where: rep.id + " 第" + KG.lineNo(r, at) + "行",
                       act: function () { A.setReport(r); KG.source.reveal(r, at, at + q.length); } });
          })(at);
          count++;
          at = rep.text.indexOf(q, at + q.length);
        }
      });
    }
    return out;
  };
  function pickReport(r) {
    A.setReport(r);
    var rn = KG.reportNode[r];
    if (rn >= 0) A.selectNode(rn, { from: "search" });
  }
  function renderMatches() {
    var list = KG.clear(KG.$("matches")), input = KG.$("search");
    matches.slice(0, 200).forEach(function (m, k) {
      var li = KG.el("li");
      li.id = "match-" + k;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", k === active ? "true" : "false");
      var kind = KG.el("span", "kind", m.kind);
      kind.style.background = m.color;
      li.appendChild(kind);
      li.appendChild(KG.el("span", "what", m.what));
      li.appendChild(KG.el("span", "where", m.where));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); A.pickMatch(k); });
      list.appendChild(li);
    });
    if (!matches.length && input.value.trim()) {
      var none = KG.el("li", "muted", "没有匹配 · no match");
      list.appendChild(none);
    }
    list.hidden = !input.value.trim();
    input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
    input.setAttribute("aria-activedescendant", active >= 0 ? "match-" + active : "");
    KG.status(input.value.trim() ? matches.length + " 个匹配" : "");
  }
  A.pickMatch = function (k) {
    var m = matches[k];
    if (!m) return;
    KG.$("matches").hidden = true;
    KG.$("search").setAttribute("aria-expanded", "false");
    state.picked = { kind: m.kind, what: m.what, where: m.where, node: m.node === undefined ? null : m.node };
    m.act();
  };
  A.matches = function () { return matches; };

  // ------------------------------------------------------------------ permalinks
  var writing = false;
  A.hashString = function () {
    var p = new URLSearchParams();
    p.set("view", state.view);
    var V = KG.gview, graph = state.view === "graph" && V.kind;
    if (graph) {
      // the Graph tab: its view (gv), what it is of (report, aspect, node + depth), what is opened, the selection
      p.set("gv", V.kind);
      if ((V.kind === "overview" || V.kind === "aspect") && M.reports[V.report]) p.set("report", M.reports[V.report].id);
      if (V.kind === "aspect" && KG.nodes[V.aspect]) p.set("aspect", KG.compact(KG.nodes[V.aspect].iri));
      if (V.kind === "node") { p.set("node", KG.compact(KG.nodes[V.node].iri)); p.set("depth", String(V.depth)); }
      if (V.expanded.size) p.set("expand", Array.from(V.expanded).sort(function (a, b) { return a - b; }).map(function (i) { return KG.compact(KG.nodes[i].iri); }).join(" "));
      if (state.node !== null && state.node !== undefined && !(V.kind === "node" && state.node === V.node)) p.set("sel", KG.compact(KG.nodes[state.node].iri));
      return p.toString();
    }
    if (state.report !== null && state.report >= 0) p.set("report", M.reports[state.report].id);
    if (state.node !== null && state.node !== undefined) p.set("node", KG.compact(KG.nodes[state.node].iri));
    if (KG.trace.selected !== null && state.row !== null) p.set("row", KG.trace.key(KG.trace.rows[KG.trace.selected]));
    var f = KG.trace.filters();
    if (f.action) p.set("action", f.action);
    if (f.report !== "") p.set("freport", M.reports[Number(f.report)].id);
    if (f.aspect !== "") p.set("aspect", KG.compact(KG.nodes[Number(f.aspect)].iri));
    if (f.problem !== "") p.set("problem", KG.compact(KG.nodes[Number(f.problem)].iri));
    if (f.kind) p.set("kind", f.kind);
    if (f.text) p.set("filter", f.text);
    if (state.q) p.set("q", state.q);
    if (state.resultRow !== null && state.resultRow !== undefined && state.q) p.set("qrow", String(state.resultRow));
    return p.toString();
  };
  A.saveHash = function () {
    if (!KG.ready) return;
    var h = "#" + A.hashString();
    if (location.hash === h) return;
    writing = true;
    try { history.replaceState(null, "", h); } catch (e) { location.replace(h); }
    writing = false;
  };
  A.restore = function (hash) {
    var p = new URLSearchParams((hash || "").replace(/^#/, ""));
    if (!p.toString()) return false;
    var f = {};
    f.action = p.get("action") || "";
    f.report = p.has("freport") && KG.reportIndex.has(p.get("freport")) ? String(KG.reportIndex.get(p.get("freport"))) : "";
    var nodeOf = function (key) { var iri = p.has(key) ? KG.expand(p.get(key)) : null; return iri && KG.byIri.has(iri) ? KG.byIri.get(iri) : -1; };
    f.aspect = nodeOf("aspect") >= 0 ? String(nodeOf("aspect")) : "";
    f.problem = nodeOf("problem") >= 0 ? String(nodeOf("problem")) : "";
    f.kind = p.get("kind") || "";
    f.text = p.get("filter") || "";
    if (KG.scope.kind === "corpus" && p.has("node") && !KG.byIri.has(KG.expand(p.get("node")))) {
      // a node of one report: its page (kg serve) opens at the same permalink
      var rr = KG.reportOfIri(KG.expand(p.get("node")));
      if (rr >= 0) {
        A.setView("graph");
        KG.openReport(rr, "#" + p.toString());
        return true;
      }
    }
    if (p.get("view") === "graph") {
      // #view=graph[&gv=overview|aspect|node|corpus][&report=ID][&aspect=IRI][&node=IRI&depth=N][&expand=IRI …][&sel=IRI]
      var g = { report: p.has("report") && KG.reportIndex.has(p.get("report")) ? KG.reportIndex.get(p.get("report")) : -1,
                aspect: nodeOf("aspect"), node: nodeOf("node"), depth: Number(p.get("depth")) || 2,
                expand: (p.get("expand") || "").split(/[\s,]+/).filter(Boolean).map(function (x) { return KG.byIri.get(KG.expand(x)); })
                  .filter(function (x) { return x !== undefined; }) };
      g.kind = p.get("gv") || (g.node >= 0 ? "node" : g.aspect >= 0 ? "aspect" : g.report >= 0 ? "overview" : null);
      var sel = nodeOf("sel");
      if (sel < 0 && g.kind === "node") sel = g.node;
      g.select = sel >= 0 ? sel : null;
      f.aspect = "";         // aspect= names the Graph tab's aspect here, not the trace filter
      KG.trace.setFilters(f);
      if (g.report >= 0) A.setReport(g.report);
      A.setView("graph", g);
      if (sel >= 0) A.selectNode(sel, { from: "gview", keepGraph: true });
      openSearch(p.get("search"));
      return true;
    }
    KG.trace.setFilters(f);
    A.setView(p.get("view") || "trace");
    if (p.has("report") && KG.reportIndex.has(p.get("report"))) A.setReport(KG.reportIndex.get(p.get("report")));
    var row = p.has("row") ? KG.trace.find(p.get("row")) : null;
    if (row) {
      state.row = row.k;
      KG.trace.select(row.k);
    }
    var node = p.has("node") ? KG.expand(p.get("node")) : null;
    if (node && KG.byIri.has(node) && !(row && row.doc === KG.byIri.get(node))) A.selectNode(KG.byIri.get(node), { from: "hash" });
    if (p.has("q")) {
      S.setText(p.get("q"));
      state.q = p.get("q");
      state.pendingRow = p.has("qrow") ? Number(p.get("qrow")) : null;
      if (KG.engineReady) runPending();
    }
    openSearch(p.get("search"));
    return true;
  };
  /* #search=TEXT: the list of matches for TEXT, open, for the user to choose */
  function openSearch(text) {
    if (!text) return;
    var input = KG.$("search");
    input.value = text;
    matches = A.search(text);
    active = matches.length ? 0 : -1;
    renderMatches();
    input.focus();
  }
  function runPending() {
    if (!state.q || state.view !== "query") return;
    var res = A.runQuery(state.q);
    function after(res) {
      if (res && state.pendingRow !== null && state.pendingRow !== undefined) A.selectResultRow(state.pendingRow);
      state.pendingRow = null;
    }
    if (res && typeof res.then === "function") res.then(after); else after(res);
  }

  // ------------------------------------------------------------------ wiring
  function setup() {
    var rs = KG.$("report");
    var o = KG.el("option", "", "全部通报 all reports");
    o.value = "-1";
    rs.appendChild(o);
    M.reports.forEach(function (rep, i) {
      var opt = KG.el("option", "", rep.id + " · " + KG.short(rep.title, 24));
      opt.value = String(i);
      rs.appendChild(opt);
    });
    rs.addEventListener("change", function () {
      var r = Number(rs.value);
      A.setReport(r);
      if (r >= 0 && KG.reportNode[r] >= 0) A.selectNode(KG.reportNode[r], { from: "search" });
      A.saveHash();
    });
    document.querySelectorAll("#tabs [role=tab]").forEach(function (t) {
      t.addEventListener("click", function () { A.setView(t.dataset.view); });
      t.addEventListener("keydown", function (ev) {
        var tabs = Array.prototype.slice.call(document.querySelectorAll("#tabs [role=tab]")), k = tabs.indexOf(t);
        if (ev.key === "ArrowRight" || ev.key === "ArrowLeft") {
          ev.preventDefault();
          var next = tabs[(k + (ev.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
          next.focus();
          A.setView(next.dataset.view);
        }
      });
    });
    // named queries, one click away
    var named = KG.$("named");
    named.appendChild(KG.el("span", "muted", "命名查询 Named:"));
    M.queries.forEach(function (q) {
      var b = KG.el("button", "", q.name);
      b.type = "button";
      b.dataset.query = q.name;
      b.title = q.doc;
      b.addEventListener("click", function () { A.runQuery(q.text); });
      named.appendChild(b);
    });
    KG.gview.setup();
    S.setupEditor(function () { A.runQuery(); });
    KG.$("run").addEventListener("click", function () { A.runQuery(); });
    KG.$("dl-csv").addEventListener("click", function () {
      if (state.result) KG.download("kg-query.csv", "text/csv;charset=utf-8", S.csv(state.result));
    });
    KG.$("dl-json").addEventListener("click", function () {
      if (state.result) KG.download("kg-query.srj", "application/sparql-results+json", S.jsonText(state.result));
    });
    KG.$("res-graph").addEventListener("click", function () {
      if (state.resultGraph) {
        state.resultGraph = false;
        KG.$("res-graph").setAttribute("aria-pressed", "false");
      } else A.showResultGraph();
    });
    var rt = KG.$("results");
    rt.tHead.addEventListener("click", function (ev) {
      var th = ev.target.closest("th");
      if (!th || !state.result) return;
      state.sort = state.sort && state.sort.key === th.dataset.key ? { key: th.dataset.key, dir: -state.sort.dir } : { key: th.dataset.key, dir: 1 };
      renderResults();
    });
    rt.tBodies[0].addEventListener("click", function (ev) {
      var tr = ev.target.closest("tr");
      if (tr) { A.selectResultRow(Number(tr.dataset.k)); A.saveHash(); }
    });
    rt.tBodies[0].addEventListener("keydown", function (ev) {
      var tr = ev.target.closest("tr");
      if (!tr) return;
      var next = ev.key === "ArrowDown" ? tr.nextElementSibling : ev.key === "ArrowUp" ? tr.previousElementSibling : null;
      if (ev.key === "Enter") { ev.preventDefault(); A.selectResultRow(Number(tr.dataset.k)); A.saveHash(); }
      if (next) { ev.preventDefault(); next.focus(); A.selectResultRow(Number(next.dataset.k)); A.saveHash(); }
    });
    // details: evidence items jump to the source
    KG.$("details").addEventListener("click", function (ev) {
      var rli = ev.target.closest("li[data-r]");
      if (rli) { var rn = KG.reportNode[Number(rli.dataset.r)]; if (rn >= 0) A.selectNode(rn, { from: "details" }); return; }
      var li = ev.target.closest("li[data-f]");
      if (li && state.node !== null) KG.source.select(state.node, Number(li.dataset.f));
    });
    KG.$("details").addEventListener("keydown", function (ev) {
      var li = ev.target.closest("li[data-f]");
      if (li && ev.key === "Enter" && state.node !== null) KG.source.select(state.node, Number(li.dataset.f));
    });
    // graph bar
    KG.$("fit").addEventListener("click", function () { G.fit(); });
    KG.$("png").addEventListener("click", function () { G.exportPNG(); });
    KG.$("svg").addEventListener("click", function () { G.exportSVG(); });
    KG.$("link").addEventListener("click", function () {
      A.saveHash();
      var url = location.href;
      var done = function () { KG.status("链接已复制 · permalink copied"); };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(url).then(done, function () { KG.status(url); });
      else KG.status(url);
    });
    // search
    var input = KG.$("search");
    input.addEventListener("input", KG.debounce(function () {
      matches = A.search(input.value);
      active = matches.length ? 0 : -1;
      renderMatches();
    }, 60));
    input.addEventListener("keydown", function (ev) {
      var list = KG.$("matches");
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        if (!matches.length) return;
        ev.preventDefault();
        active = (active + (ev.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length;
        renderMatches();
        var li = list.children[active];
        if (li) KG.scrollTo(list, li, false);
      } else if (ev.key === "Enter") {
        ev.preventDefault();
        matches = A.search(input.value);
        if (active < 0 || active >= matches.length) active = matches.length ? 0 : -1;
        if (active >= 0) A.pickMatch(active);
      } else if (ev.key === "Escape") {
        list.hidden = true;
        input.setAttribute("aria-expanded", "false");
      }
    });
    input.addEventListener("blur", function () { setTimeout(function () { KG.$("matches").hidden = true; }, 200); });
    document.addEventListener("keydown", function (ev) {
      var t = ev.target, typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT");
      if (ev.key === "/" && !typing) { ev.preventDefault(); input.focus(); input.select(); }
      else if (ev.altKey && /^[1234]$/.test(ev.key)) { ev.preventDefault(); A.setView(VIEWS[Number(ev.key) - 1]); }
    });
    window.addEventListener("hashchange", function () { if (!writing) A.restore(location.hash); });
  }

  function boot() {
    try {
      setup();
      KG.trace.setup();
      KG.source.setup();
      A.showDetails(null);
      if (KG.scope.kind === "corpus") {
        // the corpus page has no trace row and no report text: they are in each report's page (kg serve)
        var how = KG.served ? "点击图中的通报打开 · click a report in the Graph tab to open its page" :
          "运行 run `" + (KG.scope.serve || "kg serve") + "`, open http:\/\/127.0.0.1:8017/ and click a report";
        var note = "这个构建太大，页面只含概览 · this build is too large for one page: the trace and the text of each report are in its own page — " + how;
        KG.$("pane-trace").insertBefore(KG.el("p", "corpus-note", note), KG.$("pane-trace").firstChild);
        KG.$("source").appendChild(KG.el("p", "corpus-note", note));
      } else {
        KG.$("source").appendChild(KG.el("p", "muted", "选择一个通报、一行或一个节点，这里显示原文 · pick a report, a row or a node to read its source"));
      }
      if (M.reports.length === 1) A.setReport(0); else A.setReport(-1);
      if (KG.scope.kind === "report") {        // one report of a corpus page: the way back
        var back = KG.$("corpus-link");
        back.href = KG.scope.corpus;
        back.hidden = false;
      }
      var restored = A.restore(location.hash);
      if (!restored && KG.scope.kind === "corpus") {
        A.setView("graph");                  // the corpus page opens on its overview (it has no trace rows)
      } else if (!restored) {
        A.setView("trace");
        if (KG.trace.rows.length) KG.trace.select(0);
        else if (KG.reportNode.length && KG.reportNode[0] >= 0) A.selectNode(KG.reportNode[0], { from: "hash" });
      }
      KG.ready = true;
      KG.t("ready");
      A.saveHash();
    } catch (e) {
      KG.error = String(e && e.stack || e);
      KG.status("error: " + e);
      throw e;
    }
    KG.$("query-status").textContent = "查询引擎加载中… · loading the query engine";
    S.init().then(function () {
      KG.engineReady = true;
      KG.t("engine");
      KG.$("query-status").textContent = S.readyText();
      runPending();
    }).catch(function (e) {
      KG.engineError = String(e && e.message || e);
      KG.$("query-status").className = "error";
      KG.$("query-status").textContent = "查询引擎无法加载 · the query engine failed: " + KG.engineError;
    });
  }
  boot();
})(window.kgExplorer);
