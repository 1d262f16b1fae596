/* kg explorer — trace.js: documents × problem categories (action, report, evidence line), filterable by
   action, report, aspect, problem category, document kind and text; a row shows its chain aspect → problem →
   measure → document. */
(function (KG) {
  "use strict";
  var M = KG.model, CAP = 3000;
  var T = KG.trace = { rows: [], shown: [], selected: null, sort: null };

  T.rows = M.trace.map(function (t, k) {
    var lines = t[6].map(function (fi) { return KG.facts[fi].line; }).filter(function (x) { return x; });
    return { k: k, doc: t[0], action: t[1], prob: t[2], asp: t[3], r: t[4], measures: t[5], facts: t[6], negated: t[7],
             line: lines.length ? Math.min.apply(null, lines) : 0, lines: Array.from(new Set(lines)).sort(function (a, b) { return a - b; }) };
  });
  function label(i) {
    if (i < 0) return "—";
    var n = KG.nodes[i];
    return (n.number !== null && n.number !== undefined ? n.number + ". " : "") + n.label;
  }
  T.key = function (row) { return KG.compact(KG.nodes[row.doc].iri) + "|" + (row.prob >= 0 ? KG.compact(KG.nodes[row.prob].iri) : ""); };
  T.find = function (key) { return T.rows.filter(function (r) { return T.key(r) === key; })[0] || null; };

  function option(sel, value, text) {
    var o = KG.el("option", "", text);
    o.value = value;
    sel.appendChild(o);
  }
  function fillFilters() {
    var fa = KG.$("f-action"), fr = KG.$("f-report"), fs = KG.$("f-aspect"), fk = KG.$("f-kind");
    [fa, fr, fs, fk].forEach(KG.clear);
    option(fa, "", "全部 all");
    var acts = Array.from(new Set(T.rows.map(function (r) { return r.action; }))).filter(Boolean);
    var order = ["abolish", "revise", "enact", "issue", "compile", "enforce", "study", "cite"];
    acts.sort(function (a, b) { return (order.indexOf(a) - order.indexOf(b)) || KG.cmp(a, b); });
    acts.forEach(function (a) { option(fa, a, (M.actions[a] || a) + " " + a); });
    option(fr, "", "全部 all");
    M.reports.forEach(function (rep, i) { option(fr, String(i), rep.id); });
    option(fs, "", "全部 all");
    var asps = Array.from(new Set(T.rows.map(function (r) { return r.asp; }))).filter(function (a) { return a >= 0; });
    asps.sort(function (a, b) { return (KG.nodes[a].report - KG.nodes[b].report) || ((KG.nodes[a].number || 0) - (KG.nodes[b].number || 0)); });
    asps.forEach(function (a) {
      option(fs, String(a), (M.reports.length > 1 ? KG.reportLabel(KG.nodes[a].report) + " · " : "") + KG.short(label(a), 30));
    });
    fillProblems();
    option(fk, "", "全部 all");
    var kinds = Array.from(new Set(T.rows.map(function (r) { return KG.nodes[r.doc].type; })));
    M.types.forEach(function (t) { if (kinds.indexOf(t.key) >= 0) option(fk, t.key, t.zh + " " + t.key); });
  }

  /* every problem category of the build in reading order (report, aspect, number), with its aspect and its
     number of trace rows */
  var problems = null;
  function allProblems() {
    if (problems) return problems;
    var rows = new Map(), num = function (i) { return i >= 0 && KG.nodes[i].number !== null ? KG.nodes[i].number : 1e9; };
    T.rows.forEach(function (r) { if (r.prob >= 0) rows.set(r.prob, (rows.get(r.prob) || 0) + 1); });
    problems = KG.nodes.filter(function (n) { return n.type === "problem" && n.report >= 0; }).map(function (n) {
      return { i: n.i, r: n.report, asp: KG.up(n.i, "broader"), rows: rows.get(n.i) || 0 };
    });
    problems.sort(function (a, b) { return (a.r - b.r) || (num(a.asp) - num(b.asp)) || (num(a.i) - num(b.i)) || (a.i - b.i); });
    return problems;
  }
  /* the problem categories of the chosen aspect, else of the chosen report, else of every report; the choice
     kept when it is still among them, else back to all */
  function fillProblems() {
    var fp = KG.$("f-problem"), was = fp.value, fr = KG.$("f-report").value, fs = KG.$("f-aspect").value;
    KG.clear(fp);
    option(fp, "", "全部 all");
    allProblems().forEach(function (p) {
      if (fs !== "" ? String(p.asp) !== fs : fr !== "" && String(p.r) !== fr) return;
      option(fp, String(p.i), (M.reports.length > 1 && fr === "" && fs === "" ? KG.reportLabel(p.r) + " · " : "") +
        KG.short(label(p.i), 24) + (p.rows ? "" : " · 无文件 none"));
    });
    fp.value = was;
    if (fp.value !== was) fp.value = "";
  }
  T.problemOptions = function () {
    return Array.prototype.map.call(KG.$("f-problem").options, function (o) { return { value: o.value, text: o.textContent }; });
  };

  T.filters = function () {
    return { action: KG.$("f-action").value, report: KG.$("f-report").value, aspect: KG.$("f-aspect").value,
             problem: KG.$("f-problem").value, kind: KG.$("f-kind").value, text: KG.$("f-text").value.trim() };
  };
  /* f: {action, report, aspect, problem, kind, text} (values of the selects; a key left out keeps its value) */
  T.setFilters = function (f) {
    ["action", "report", "aspect", "kind", "text"].forEach(function (k) {
      if (f[k] !== undefined && f[k] !== null) KG.$("f-" + k).value = f[k];
    });
    fillProblems();
    if (f.problem !== undefined && f.problem !== null) {
      KG.$("f-problem").value = f.problem;
      if (KG.$("f-problem").value !== f.problem) KG.$("f-problem").value = "";
    }
    T.render();
  };

  T.render = function () {
    var f = T.filters(), q = f.text.toLowerCase();
    var rows = T.rows.filter(function (r) {
      if (f.action && r.action !== f.action) return false;
      if (f.report !== "" && String(r.r) !== f.report) return false;
      if (f.aspect !== "" && String(r.asp) !== f.aspect) return false;
      if (f.problem !== "" && String(r.prob) !== f.problem) return false;
      if (f.kind && KG.nodes[r.doc].type !== f.kind) return false;
      if (q && (KG.nodes[r.doc].label + " " + label(r.prob) + " " + label(r.asp)).toLowerCase().indexOf(q) < 0) return false;
      return true;
    });
    if (T.sort) {
      var s = T.sort, val = {
        doc: function (r) { return KG.nodes[r.doc].label; }, action: function (r) { return r.action; },
        problem: function (r) { return r.prob >= 0 ? KG.nodes[r.prob].number : 1e9; },
        aspect: function (r) { return r.asp >= 0 ? KG.nodes[r.asp].number : 1e9; },
        report: function (r) { return KG.reportLabel(r.r); }, line: function (r) { return r.line; }
      }[s.key];
      rows = rows.slice().sort(function (a, b) { return s.dir * KG.cmp(val(a), val(b)) || (a.k - b.k); });
    }
    T.shown = rows;
    var body = KG.clear(KG.$("trace-table").tBodies[0]), frag = document.createDocumentFragment();
    rows.slice(0, CAP).forEach(function (r) {
      var tr = KG.el("tr"), d = KG.nodes[r.doc];
      tr.dataset.k = r.k;
      tr.tabIndex = 0;
      tr.setAttribute("aria-selected", T.selected === r.k ? "true" : "false");
      var td = KG.el("td"), tag = KG.el("span", "tag", KG.types[d.type].zh);
      tag.style.background = KG.color(d.type);
      td.appendChild(tag);
      td.appendChild(document.createTextNode(" 《" + d.label + "》"));
      tr.appendChild(td);
      tr.appendChild(KG.el("td", r.negated ? "neg" : "", KG.actionName(r.action)));
      // the problem category in at most two lines, the aspect and report in one: the whole text in the tooltip,
      // so the line numbers stay in view at 1600 px
      var tp = KG.el("td"), ta = KG.el("td", "clip", label(r.asp)), tr_ = KG.el("td", "clip rep", KG.reportLabel(r.r));
      tp.appendChild(KG.el("div", "clamp2", label(r.prob)));
      tp.title = label(r.prob);
      ta.title = label(r.asp);
      tr_.title = KG.reportLabel(r.r);
      tr.appendChild(tp);
      tr.appendChild(ta);
      tr.appendChild(tr_);
      tr.appendChild(KG.el("td", "lines", r.lines.join(", ")));
      frag.appendChild(tr);
    });
    body.appendChild(frag);
    KG.$("trace-count").textContent = rows.length + " / " + T.rows.length + " 行 rows" + (rows.length > CAP ? "（显示前 " + CAP + "）" : "");
    KG.$("trace-table").querySelectorAll("th").forEach(function (th) {
      th.setAttribute("aria-sort", T.sort && T.sort.key === th.dataset.key ? (T.sort.dir > 0 ? "ascending" : "descending") : "none");
    });
  };

  /* the chain of a row: aspect → problem → measures → document */
  T.chain = function (row) {
    var idx = [row.doc].concat(row.measures);
    if (row.prob >= 0) idx.push(row.prob);
    if (row.asp >= 0) idx.push(row.asp);
    row.measures.forEach(function (m) { if (row.prob < 0) { var s = KG.up(m, "inSection"); if (s >= 0) idx.push(s); } });
    return idx;
  };

  T.select = function (k, opts) {
    opts = opts || {};
    var row = T.rows[k];
    if (!row) return;
    T.selected = k;
    KG.state.row = k;
    KG.$("trace-table").querySelectorAll("tbody tr").forEach(function (tr) {
      tr.setAttribute("aria-selected", Number(tr.dataset.k) === k ? "true" : "false");
    });
    var tr = KG.$("trace-table").querySelector('tbody tr[data-k="' + k + '"]');
    if (tr && opts.scroll !== false) KG.scrollTo(tr.closest(".tablewrap"), tr, false);
    var d = KG.nodes[row.doc];
    var title = "《" + d.label + "》 ⇄ " + (row.prob >= 0 ? "问题类别 " + label(row.prob) : "（无问题类别）");
    KG.graph.show(KG.specOf(T.chain(row), title), { focus: "n" + row.doc, select: "n" + row.doc });
    KG.app.selectNode(row.doc, { from: "trace", fact: row.facts.length ? row.facts[0] : null, keepGraph: true, row: row });
  };

  T.setup = function () {
    fillFilters();
    ["f-action", "f-report", "f-aspect", "f-problem", "f-kind"].forEach(function (id) {
      KG.$(id).addEventListener("change", function () {
        if (id === "f-report" || id === "f-aspect") fillProblems();
        T.render();
        KG.app.saveHash();
      });
    });
    KG.$("f-text").addEventListener("input", KG.debounce(function () { T.render(); KG.app.saveHash(); }, 120));
    var table = KG.$("trace-table");
    table.tHead.addEventListener("click", function (ev) {
      var th = ev.target.closest("th");
      if (!th) return;
      T.sort = T.sort && T.sort.key === th.dataset.key ? { key: th.dataset.key, dir: -T.sort.dir } : { key: th.dataset.key, dir: 1 };
      T.render();
    });
    table.tBodies[0].addEventListener("click", function (ev) {
      var tr = ev.target.closest("tr");
      if (tr) { T.select(Number(tr.dataset.k)); KG.app.saveHash(); }
    });
    table.tBodies[0].addEventListener("keydown", function (ev) {
      var tr = ev.target.closest("tr");
      if (!tr) return;
      var next = null;
      if (ev.key === "ArrowDown") next = tr.nextElementSibling;
      else if (ev.key === "ArrowUp") next = tr.previousElementSibling;
      else if (ev.key === "Enter") { ev.preventDefault(); T.select(Number(tr.dataset.k)); KG.app.saveHash(); return; }
      if (next) { ev.preventDefault(); next.focus(); T.select(Number(next.dataset.k), { scroll: false }); KG.app.saveHash(); }
    });
    T.render();
  };
})(window.kgExplorer);
