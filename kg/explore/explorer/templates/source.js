/* kg explorer — source.js: the report text (kgo:normalizedText) with its original line numbers and every
   extracted fact highlighted by type: documents, units, awards, activities, people, figures and anomalies
   as marks in the text, sections, aspects, problem categories and measures as badges at their first line.
   A highlight selects its node; a selected node shows (and scrolls to) its highlights. */
(function (KG) {
  "use strict";
  var M = KG.model;
  var STRUCT = { report: 1, section: 1, aspect: 1, problem: 1, measure: 1 };
  var SHORT = { section: "部分", aspect: "方面", problem: "问题", measure: "措施" };
  var S = KG.source = { report: -1, hidden: new Set(), perLine: [] };

  // facts per report and line: inline facts clipped to each line they touch; structural ones at their first line
  function index(r) {
    if (S.perLine[r]) return S.perLine[r];
    var rep = M.reports[r], lines = rep.starts.map(function () { return { inline: [], badges: [] }; });
    KG.factsIn[r].forEach(function (f) {
      var a = KG.lineIndex(r, f.start);
      if (STRUCT[f.kind]) { lines[a].badges.push(f); return; }
      var b = KG.lineIndex(r, Math.max(f.start, f.end - 1));
      for (var li = a; li <= b; li++) lines[li].inline.push(f);
    });
    S.perLine[r] = lines;
    return lines;
  }

  function lineEnd(rep, li) {
    return li + 1 < rep.starts.length ? rep.starts[li + 1] - 1 : rep.text.length;
  }

  function renderLine(r, li, hit) {
    var rep = M.reports[r], s = rep.starts[li], e = lineEnd(rep, li), info = index(r)[li];
    var row = KG.el("div", "ln");
    row.dataset.li = li;
    row.dataset.line = rep.lines[li];
    row.appendChild(KG.el("span", "no", rep.lines[li]));
    var tx = KG.el("span", "tx");
    info.badges.forEach(function (f) {
      var n = KG.nodes[f.node], b = KG.el("button", "badge", (SHORT[f.kind] || f.kind) + (n.number !== null ? n.number : ""));
      b.type = "button";
      b.dataset.f = f.i;
      b.dataset.n = f.node;
      b.style.background = KG.color(f.kind);
      b.style.setProperty("--c", KG.color(f.kind));
      b.title = KG.nodeTitle(n) + " · 第" + f.line + "行";
      tx.appendChild(b);
    });
    // nested marks: sorted by start, longer first; a crossing span is cut at its parent's end
    var spans = info.inline.map(function (f) {
      return { f: f, a: Math.max(f.start, s), b: Math.min(f.end, e), kids: [] };
    }).filter(function (x) { return x.b > x.a; });
    if (hit) spans.push({ f: null, a: Math.max(hit[0], s), b: Math.min(hit[1], e), kids: [], hit: true });
    spans.sort(function (x, y) { return (x.a - y.a) || (y.b - x.b) || (x.hit ? -1 : y.hit ? 1 : 0) || (x.f.i - y.f.i); });
    var root = { a: s, b: e, kids: [] }, stack = [root];
    spans.forEach(function (x) {
      while (stack.length > 1 && stack[stack.length - 1].b <= x.a) stack.pop();
      var top = stack[stack.length - 1];
      if (x.b > top.b) x.b = top.b;
      if (x.b <= x.a) return;
      top.kids.push(x);
      stack.push(x);
    });
    function fill(parent, node) {
      var pos = node.a;
      node.kids.forEach(function (k) {
        if (k.a > pos) parent.appendChild(document.createTextNode(rep.text.slice(pos, k.a)));
        var m = KG.el("mark", k.hit ? "hit" : "");
        if (k.f) {
          var n = KG.nodes[k.f.node];
          m.dataset.f = k.f.i;
          m.dataset.n = k.f.node;
          m.dataset.t = k.f.kind;
          m.tabIndex = 0;
          m.style.setProperty("--c", KG.color(k.f.kind));
          m.title = KG.typeName(k.f.kind) + " · " + n.label + (k.f.action ? " · " + KG.actionName(k.f.action) : "") + " · 第" + k.f.line + "行";
          if (S.hidden.has(k.f.kind)) m.classList.add("hide-mark");
        }
        fill(m, k);
        parent.appendChild(m);
        pos = k.b;
      });
      if (pos < node.b) parent.appendChild(document.createTextNode(rep.text.slice(pos, node.b)));
    }
    fill(tx, root);
    row.appendChild(tx);
    return row;
  }

  S.show = function (r) {
    if (r === S.report || r < 0 || r >= M.reports.length) return;
    S.report = r;
    var box = KG.clear(KG.$("source")), frag = document.createDocumentFragment(), rep = M.reports[r];
    for (var li = 0; li < rep.starts.length; li++) frag.appendChild(renderLine(r, li));
    box.appendChild(frag);
    box.scrollTop = 0;
    KG.$("source-title").textContent = "原文 · " + rep.id + (rep.title ? " · " + KG.short(rep.title, 40) : "");
    legend();
    S.selected = null;
  };

  function legend() {
    var box = KG.clear(KG.$("legend")), seen = new Set();
    KG.factsIn[S.report].forEach(function (f) { if (!STRUCT[f.kind]) seen.add(f.kind); });
    M.types.forEach(function (t) {
      if (!seen.has(t.key)) return;
      var lab = KG.el("label"), cb = KG.el("input");
      cb.type = "checkbox";
      cb.checked = !S.hidden.has(t.key);
      cb.dataset.type = t.key;
      cb.addEventListener("change", function () {
        if (cb.checked) S.hidden.delete(t.key); else S.hidden.add(t.key);
        KG.$("source").querySelectorAll('mark[data-t="' + t.key + '"]').forEach(function (m) { m.classList.toggle("hide-mark", !cb.checked); });
      });
      var sw = KG.el("span", "sw");
      sw.style.background = t.color;
      lab.appendChild(cb); lab.appendChild(sw); lab.appendChild(document.createTextNode(t.zh));
      box.appendChild(lab);
    });
  }

  function lineEl(li) { return KG.$("source").querySelector('.ln[data-li="' + li + '"]'); }

  /* show node i's highlights (in its report); scroll to fact fi or the first; returns the elements */
  S.select = function (i, fi) {
    var n = KG.nodes[i];
    var facts = (KG.factsOf.get(i) || []).map(function (k) { return KG.facts[k]; });
    var r = fi !== undefined && fi !== null ? KG.facts[fi].r : (n.report >= 0 ? n.report : (facts.length ? facts[0].r : S.report));
    if (r >= 0) S.show(r);
    var box = KG.$("source");
    box.querySelectorAll(".sel").forEach(function (x) { x.classList.remove("sel"); });
    box.querySelectorAll(".para-sel").forEach(function (x) { x.classList.remove("para-sel"); });
    var els = Array.prototype.slice.call(box.querySelectorAll('[data-n="' + i + '"]'));
    els.forEach(function (x) { x.classList.add("sel"); });
    facts.filter(function (f) { return f.r === S.report && STRUCT[f.kind] === 1 && f.kind === "measure"; }).forEach(function (f) {
      for (var li = KG.lineIndex(S.report, f.start); li <= KG.lineIndex(S.report, Math.max(f.start, f.end - 1)); li++) {
        var l = lineEl(li);
        if (l) l.classList.add("para-sel");
      }
    });
    var target = null;
    if (fi !== undefined && fi !== null) target = box.querySelector('[data-f="' + fi + '"]');
    if (!target) target = els[0] || null;
    if (target) KG.scrollTo(box, target, true);
    S.selected = i;
    S.selectedEls = els;
    return els;
  };

  /* scroll to an offset of report r, flash its line and mark [start, end) as a search hit */
  S.reveal = function (r, start, end) {
    S.show(r);
    var li = KG.lineIndex(r, start), old = lineEl(li);
    var row = renderLine(r, li, end > start ? [start, end] : null);
    old.replaceWith(row);
    KG.$("source").querySelectorAll(".flash").forEach(function (x) { x.classList.remove("flash"); });
    row.classList.add("flash");
    KG.scrollTo(KG.$("source"), row, true);
    return row;
  };
  S.revealLine = function (r, li) { return S.reveal(r, M.reports[r].starts[li], M.reports[r].starts[li]); };

  S.setup = function () {
    var box = KG.$("source");
    function pick(t) {
      var x = t.closest("mark[data-f], .badge[data-f]");
      if (!x) return;
      KG.app.selectNode(Number(x.dataset.n), { from: "source", fact: Number(x.dataset.f) });
    }
    box.addEventListener("click", function (ev) { pick(ev.target); });
    box.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && ev.target.matches("mark[data-f]")) { ev.preventDefault(); pick(ev.target); }
    });
  };
})(window.kgExplorer);
