/* kg explorer — util.js: the page model, lookups, DOM helpers. Text from the documents only ever
   enters the page through textContent / property assignment, never as HTML. */
(function () {
  "use strict";
  var KG = window.kgExplorer = {
    ready: false, engineReady: false, error: null, timings: {}, state: {}
  };
  var T0 = performance.now();
  KG.t = function (name) { KG.timings[name] = Math.round(performance.now() - T0); };

  var M = KG.model = JSON.parse(document.getElementById("kg-model").textContent);
  KG.types = {};
  M.types.forEach(function (t) { KG.types[t.key] = t; });
  KG.types.other = { key: "other", zh: "其他", en: "Other", color: "#546e7a", level: 8 };
  KG.types.literal = { key: "literal", zh: "字面值", en: "Literal", color: "#9e9e9e", level: 9 };

  KG.expand = function (iri) { return iri.indexOf("kgr:") === 0 ? M.kgr + iri.slice(4) : iri; };
  KG.compact = function (iri) {
    iri = String(iri);
    if (iri.indexOf(M.kgr) === 0) return "kgr:" + iri.slice(M.kgr.length);
    var best = null;
    Object.keys(M.prefixes).forEach(function (p) {
      var ns = M.prefixes[p];
      if (iri.indexOf(ns) === 0 && /^[A-Za-z_][\w-]*$/.test(iri.slice(ns.length)) && (!best || ns.length > best[1].length)) best = [p, ns];
    });
    return best ? best[0] + ":" + iri.slice(best[1].length) : iri;
  };

  // nodes, edges, facts as objects with indexes
  KG.nodes = M.nodes.map(function (n, i) {
    return { i: i, iri: KG.expand(n[0]), type: n[1], label: n[2], report: n[3], number: n[4] };
  });
  KG.byIri = new Map();
  KG.nodes.forEach(function (n) { KG.byIri.set(n.iri, n.i); });
  KG.out = KG.nodes.map(function () { return []; });
  KG.inn = KG.nodes.map(function () { return []; });
  KG.edges = M.edges.map(function (e, i) {
    var o = { i: i, from: e[0], to: e[1], rel: e[2], action: e[3] };
    KG.out[o.from].push(o);
    KG.inn[o.to].push(o);
    return o;
  });
  KG.facts = M.facts.map(function (f, i) {
    return { i: i, r: f[0], start: f[1], end: f[2], node: f[3], kind: f[4], line: f[5], action: f[6] };
  });
  KG.factsOf = new Map();
  KG.factsIn = M.reports.map(function () { return []; });
  KG.facts.forEach(function (f) {
    if (!KG.factsOf.has(f.node)) KG.factsOf.set(f.node, []);
    KG.factsOf.get(f.node).push(f.i);
    KG.factsIn[f.r].push(f);
  });
  KG.reportIndex = new Map();
  M.reports.forEach(function (r, i) {
    KG.reportIndex.set(r.id, i);
    KG.reportIndex.set(r.iri, i);
    var starts = [0];
    for (var k = 0; k < r.text.length; k++) if (r.text.charCodeAt(k) === 10) starts.push(k + 1);
    r.starts = starts;
  });
  KG.reportNode = M.reports.map(function (r) { return KG.byIri.has(r.iri) ? KG.byIri.get(r.iri) : -1; });

  KG.lineIndex = function (r, offset) {       // index of the normalized line holding offset
    var s = M.reports[r].starts, lo = 0, hi = s.length - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (s[mid] <= offset) lo = mid; else hi = mid - 1; }
    return lo;
  };
  KG.lineNo = function (r, offset) { return M.reports[r].lines[KG.lineIndex(r, offset)]; };

  KG.el = function (tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };
  KG.clear = function (e) { while (e.firstChild) e.removeChild(e.firstChild); return e; };
  KG.$ = function (id) { return document.getElementById(id); };
  KG.typeName = function (t) { var x = KG.types[t] || KG.types.other; return x.zh + " " + x.en; };
  KG.color = function (t) { return (KG.types[t] || KG.types.other).color; };
  KG.actionName = function (a) {
    if (!a) return "";
    var neg = a.charAt(0) === "!";
    if (neg) a = a.slice(1);
    var zh = M.actions[a] || a;
    return neg ? "未" + zh + "（否定）" : zh;
  };
  KG.isDoc = function (t) { return ["regulation", "external", "publication", "periodical", "document"].indexOf(t) >= 0; };
  KG.reportLabel = function (r) {
    if (r < 0 || r >= M.reports.length) return "";
    return M.reports[r].id;
  };
  KG.nodeTitle = function (n) {
    var t = KG.types[n.type] || KG.types.other;
    var num = n.number !== null && n.number !== undefined && ["aspect", "problem", "section"].indexOf(n.type) >= 0 ? n.number + " " : "";
    return t.zh + " " + num + "· " + n.label;
  };
  KG.status = function (msg) { KG.$("status").textContent = msg || ""; };
  /* the page's scope: "build" (the whole build), "corpus" (the overview of a build too large for one page: the
     reports open through kg serve) or "report" (one report's page, served by kg serve) */
  KG.scope = M.scope || { kind: "build" };
  KG.served = /^https?:$/.test(location.protocol);
  /* the report (index) whose graph holds the IRI, or -1 */
  KG.reportOfIri = function (iri) {
    for (var r = 0; r < M.reports.length; r++) {
      var ri = M.reports[r].iri;
      if (iri === ri || iri.indexOf(ri + "/") === 0) return r;
    }
    return -1;
  };
  /* the corpus page: open report r's own page (served by kg serve, with the permalink hash), or say how
     (opened from a file, no report page can be made) */
  KG.openReport = function (r, hash) {
    var rep = M.reports[r], note = KG.$("gv-note");
    if (KG.served) {
      location.href = KG.scope.reportPage.replace("{id}", encodeURIComponent(rep.id)) + (hash || "");
      return true;
    }
    note.hidden = false;
    note.textContent = "通报 " + rep.id + " 需由 kg serve 打开 · to open report " + rep.id + ", run `" +
      (KG.scope.serve || "kg serve") + "` and open http:\/\/127.0.0.1:8017/ (this page lists the reports only)";
    KG.status(note.textContent);
    return false;
  };

  KG.download = function (name, mime, data) {
    var blob = data instanceof Blob ? data : new Blob([data], { type: mime });
    var url = URL.createObjectURL(blob);
    var a = KG.el("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    KG.lastDownload = { name: name, mime: mime, size: blob.size };
  };

  // base64 text of a data block → bytes → inflated bytes (DecompressionStream: no request)
  KG.blockBytes = function (id) {
    var s = document.getElementById(id).textContent.replace(/\s+/g, "");
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  };
  KG.gunzip = function (bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); });
  };

  /* scroll el into the middle (or into view) of its scrolling container only: never the page itself */
  KG.scrollTo = function (container, el, center) {
    if (!container || !el) return;
    var c = container.getBoundingClientRect(), r = el.getBoundingClientRect();
    if (center) container.scrollTop += (r.top - c.top) - (c.height - r.height) / 2;
    else if (r.top < c.top) container.scrollTop -= c.top - r.top;
    else if (r.bottom > c.bottom) container.scrollTop += r.bottom - c.bottom;
  };
  KG.debounce = function (fn, ms) {
    var t = null;
    return function () {
      var self = this, args = arguments;
      clearTimeout(t);
      t = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  };
  KG.cmp = function (a, b) {      // natural order: numbers as numbers, then text
    var na = Number(a), nb = Number(b);
    if (a !== "" && b !== "" && !isNaN(na) && !isNaN(nb)) return na - nb;
    return String(a).localeCompare(String(b), "zh");
  };
  KG.short = function (s, n) {
    s = String(s);
    var chars = Array.from(s);
    return chars.length > n ? chars.slice(0, n - 1).join("") + "…" : s;
  };
})();
