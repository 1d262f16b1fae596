/* kg explorer — corpus.js: the corpus page's shared documents and units beyond those it holds, on demand.
   The corpus page holds the first shared documents and units in the order of `kg query shared_documents` /
   `shared_units` (scope.held of each) and counts the rest (scope.left). Served by `kg serve`, a "more…" item
   under the Graph tab's not-drawn list asks /sparql of the same origin for the next rows of that named query
   (its own text with LIMIT/OFFSET: the order of kg query, by kgo:rank), then for the reports naming them
   (kgo:namedIn in the summaries), and lists them: a click draws one with its reports. From a file the item
   says to run kg serve (the page makes no request). Labels from the server enter the page as textContent. */
(function (KG) {
  "use strict";
  var M = KG.model, V = KG.gview, S = KG.sparql;
  var C = KG.corpus = { loaded: { documents: [], units: [] }, busy: null };
  var QUERY = { documents: "shared_documents", units: "shared_units" };
  var COLUMN = { documents: ["document", "title"], units: ["unit", "name"] };
  var WORD = { documents: ["共同文件", "shared documents"], units: ["共同单位", "shared units"] };

  function scope(key, k) { return (KG.scope[key] || {})[k] || 0; }
  /* how many of kind k ("documents", "units") are neither in the page nor loaded yet */
  C.left = function (k) { return Math.max(0, scope("left", k) - C.loaded[k].length); };

  /* the next rows of the named query: its own text cut with LIMIT / OFFSET (the order of kg query NAME) */
  C.pageQuery = function (k) {
    var q = M.queries.filter(function (x) { return x.name === QUERY[k]; })[0];
    var n = Math.max(1, KG.scope.page || 50);
    return q.text.replace(/\s+$/, "") + "\nLIMIT " + n + " OFFSET " + (scope("held", k) + C.loaded[k].length) + "\n";
  };
  /* the reports naming each of the IRIs (the summaries' kgo:namedIn) */
  C.namedInQuery = function (iris) {
    return "PREFIX kgo: <" + M.prefixes.kgo + ">\nSELECT ?s ?report WHERE { GRAPH <" + M.kgr + "summaries> {\n" +
      "  VALUES ?s { " + iris.map(function (i) { return "<" + i + ">"; }).join(" ") + " }\n" +
      "  ?s kgo:namedIn ?report } }\nORDER BY ?s ?report\n";
  };

  function addNode(iri, type, label) {
    if (KG.byIri.has(iri)) return KG.byIri.get(iri);
    var i = KG.nodes.length;
    KG.nodes.push({ i: i, iri: iri, type: type, label: label, report: -1, number: null, loaded: true });
    KG.byIri.set(iri, i);
    KG.out.push([]);
    KG.inn.push([]);
    return i;
  }
  function addEdge(a, b, rel) {
    var e = { i: KG.edges.length, from: a, to: b, rel: rel, action: "" };
    KG.edges.push(e);
    KG.out[a].push(e);
    KG.inn[b].push(e);
  }
  function say(text) {
    var note = KG.$("gv-note");
    note.hidden = false;
    note.textContent = text;
    KG.status(text);
  }
  function val(row, v) { return row[v] ? row[v].value : ""; }

  /* load the next page of kind k through kg serve → a Promise of the node indexes added (none from a file) */
  C.more = function (k) {
    var w = WORD[k];
    if (!KG.served) {
      say("其余 " + C.left(k) + " 个" + w[0] + "需由 kg serve 载入 · the other " + C.left(k) + " " + w[1] +
          " load through kg serve: run `" + (KG.scope.serve || "kg serve") + "` and open http:\/\/127.0.0.1:8017/");
      return Promise.resolve([]);
    }
    if (!S.server) {
      say("kg serve 连接中… · connecting to kg serve, try again in a moment");
      return Promise.resolve([]);
    }
    if (C.busy) return C.busy;
    var added = [];
    C.busy = S.runServer(C.pageQuery(k)).then(function (res) {
      var col = COLUMN[k];
      res.rows.forEach(function (row) {
        var iri = val(row, col[0]);
        if (!iri) return;
        var type = k === "units" ? "organization" : (M.kinds[val(row, "kind")] || "document");
        var i = addNode(iri, type, val(row, col[1]) || KG.compact(iri));
        if (C.loaded[k].indexOf(i) < 0) { C.loaded[k].push(i); added.push(i); }
      });
      if (!added.length) return null;
      return S.runServer(C.namedInQuery(added.map(function (i) { return KG.nodes[i].iri; })));
    }).then(function (res) {
      (res ? res.rows : []).forEach(function (row) {
        var i = KG.byIri.get(val(row, "s")), r = KG.reportIndex.get(val(row, "report"));
        if (i !== undefined && r !== undefined && KG.reportNode[r] >= 0) addEdge(i, KG.reportNode[r], "namedIn");
      });
      C.busy = null;
      KG.status("载入 loaded " + added.length + " " + w[1] + " · kg serve");
      if (V.kind === "corpus") V.panel();
      return added;
    }).catch(function (e) {
      C.busy = null;
      say("载入失败 · could not load more " + w[1] + ": " + (e && e.message || e));
      if (V.kind === "corpus") V.panel();
      return added;
    });
    return C.busy;
  };

  /* the corpus view's panel: under the not-drawn list, per kind with more in the build, the ones loaded
     (click: drawn with their reports) and the "more…" item */
  C.panel = function (list) {
    if (KG.scope.kind !== "corpus") return;
    ["documents", "units"].forEach(function (k) {
      if (!scope("left", k)) return;
      var w = WORD[k];
      C.loaded[k].forEach(function (i) {
        var n = KG.nodes[i], li = KG.el("li");
        li.tabIndex = 0;
        li.dataset.n = i;
        var tag = KG.el("span", "tag", KG.types[n.type] ? KG.types[n.type].zh : n.type);
        tag.style.background = KG.color(n.type);
        li.appendChild(tag);
        li.appendChild(document.createTextNode(" " + KG.short(n.label + " ×" + KG.citations(i).length, 40)));
        list.appendChild(li);
      });
      var left = C.left(k);
      if (!left) return;
      var more = KG.el("li", "more", (C.busy ? "载入中… loading · " : "") + "更多" + w[0] + "… more " + w[1] + " (" +
        left + " 未载入 not loaded" + (KG.served ? "" : " · kg serve") + ")");
      more.tabIndex = 0;
      more.dataset.more = k;
      list.appendChild(more);
    });
  };

  function wire() {
    var list = KG.$("gv-more");
    if (!list || KG.scope.kind !== "corpus") return;
    function go(ev) {
      var li = ev.target.closest("li[data-more]");
      if (!li || ev.type === "keydown" && ev.key !== "Enter") return;
      var k = li.dataset.more;
      C.more(k).then(function (added) {
        var first = added && added.length ? KG.$("gv-more").querySelector('li[data-n="' + added[0] + '"]') : null;
        if (first) first.focus();
      });
    }
    list.addEventListener("click", go);
    list.addEventListener("keydown", go);
  }
  wire();
})(window.kgExplorer);
