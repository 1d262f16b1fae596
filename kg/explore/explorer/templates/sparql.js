/* kg explorer — sparql.js: SPARQL in the page or through `kg serve`. In the page, the engine is Oxigraph's
   WebAssembly build over the build's graph (the same engine as `kg query`), with the same undeclared prefixes
   predeclared; read-only (SPARQL Update refused), SERVICE refused (the page makes no request), tables cut at
   the row cap. Served by `kg serve` (http: and /api/source answers), the queries go to /sparql of the same
   origin — always when the graph is not embedded, by default otherwise (a switch picks the embedded graph);
   the page says which source answers. From file:// the page makes no request. Plus the editor: highlighting
   and completion of prefixes and terms. */
(function (KG) {
  "use strict";
  var M = KG.model;
  var S = KG.sparql = { store: null, server: null, useServer: false };

  // ------------------------------------------------------------------ engine
  /* the /api/source of the origin that served the page (kg serve), or null: never asked from file:// */
  S.detect = function () {
    if (!/^https?:$/.test(location.protocol)) return Promise.resolve(null);
    return fetch("/api/source", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) { return d && d.sparql ? d : null; }, function () { return null; });
  };

  /* the embedded graph in Oxigraph's WebAssembly build, in a Web Worker (engine.js) */
  function loadEmbedded() {
    var t0 = performance.now();
    return Promise.all([KG.gunzip(KG.blockBytes("kg-wasm")), KG.gunzip(KG.blockBytes("kg-graph"))]).then(function (b) {
      return KG.engine.load(b[0], b[1]);
    }).then(function (store) {
      S.store = KG.engine;
      S.size = store.size;
      S.loadMs = Math.round(performance.now() - t0);
      return store;
    });
  }

  S.init = function () {
    return S.detect().then(function (server) {
      S.server = server;
      S.useServer = !!server;
      if (M.embedded === false) {
        showSource();
        if (!server) throw new Error(M.embedNote || "the graph is not embedded");
        return null;
      }
      return loadEmbedded().then(function (store) { showSource(); return store; });
    });
  };

  function plural(n, w) { return n + " " + w + (n === 1 ? "" : "s"); }
  /* what answers the queries, in words (shown beside the editor) */
  S.sourceText = function () {
    if (S.useServer && S.server) return "数据源 Source: kg serve " +
      (S.server.kind === "endpoint" ? "forwarding to " : "over ") + S.server.label + " · read-only";
    return "数据源 Source: 页面内嵌的图 the embedded graph (" + plural(M.reports.length, "report") + ", in the page)";
  };
  /* the status line once the engine is ready */
  S.readyText = function () {
    if (S.useServer && S.server) return "就绪 ready · kg serve";
    return "就绪 ready · " + S.size + " 条三元组 quads · " + S.loadMs + " ms";
  };
  function showSource() {
    var label = KG.$("source-label"), sw = KG.$("source-switch"), box = KG.$("use-server");
    if (!label) return;
    label.textContent = S.sourceText();
    if (!sw || !box) return;
    sw.hidden = !(S.server && S.store);
    box.checked = S.useServer;
    if (!box.dataset.wired) {
      box.dataset.wired = "1";
      box.addEventListener("change", function () {
        S.useServer = box.checked && !!S.server;
        label.textContent = S.sourceText();
      });
    }
  }

  /* like kg.rdf.vocab.with_prefixes: predeclare the project's prefixes the query uses but does not declare */
  S.withPrefixes = function (q) {
    var declared = new Set(), re = /\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:/gi, m;
    while ((m = re.exec(q))) declared.add(m[1] || "");
    var add = "";
    Object.keys(M.prefixes).forEach(function (p) {
      if (!declared.has(p) && new RegExp("(?<![\\w<])" + p + ":").test(q)) add += "PREFIX " + p + ": <" + M.prefixes[p] + ">\n";
    });
    return add + q;
  };

  /* the query with comments, strings and IRIs blanked (for keyword checks) */
  function bare(q) {
    return q.replace(/"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>|#[^\n]*/g,
      function (s) { return " ".repeat(s.length); });
  }
  S.bare = bare;
  var L = M.limits;
  function kw(words) { return new RegExp("(^|[^?$:\\w])(" + words.join("|") + ")(?![\\w:])", "i"); }
  var UPDATE = kw(L.update), FROM = /(^|[^?$:\w])(FROM(?:\s+NAMED)?)(?![\w:])/i;
  /* why the page will not run q (the refusals of `kg query`, kg.store.guard), or null */
  S.refusal = function (q) {
    var b = bare(q), m = UPDATE.exec(b);
    if (m) return "只读 read-only · " + L.readOnly.replace("{kw}", m[2].toUpperCase());
    if (/(^|[^?$:\w])SERVICE(?![\w:])/i.test(b)) return "不执行 SERVICE · SERVICE refused: the page works offline and a query does not call other servers";
    if ((m = FROM.exec(b))) return L.dataset.replace("{kw}", m[2].toUpperCase().replace(/\s+/, " "));
    if (!kw(["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]).test(b)) return "不是 SPARQL 查询 · not a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE)";
    return null;
  };

  /* run q → a Promise of {kind: "select"|"ask"|"graph", vars, rows (W3C JSON bindings), json (W3C JSON text),
     triples, ms, truncated}, run in the engine's worker (engine.js: time limit, row cap, cancel).
     Throws Error with a message for refusals; the Promise rejects for bad SPARQL, the time limit, a cancel. */
  S.run = function (q) {
    if (S.useServer && S.server) return S.runServer(q);
    var why = S.refusal(q);
    if (why) { var e = new Error(why); e.refused = true; throw e; }
    if (!S.store) throw new Error("查询引擎加载中… · the query engine is still loading");
    var text = S.withPrefixes(q);
    var form = /(^|[^?$:\w])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:])/i.exec(bare(text));
    return KG.engine.query(text, !!(form && /^(CONSTRUCT|DESCRIBE)$/i.test(form[2])));
  };

  /* run q through kg serve (POST to /sparql of the page's own origin) → a Promise of the same answer as S.run;
     the server's refusals (403: update, SERVICE, FROM), time limit (503) and errors reject with its message */
  S.runServer = function (q) {
    var t0 = performance.now(), resp;
    return fetch(S.server.sparql || "/sparql", {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/sparql-query; charset=utf-8",
                 Accept: "application/sparql-results+json, application/n-triples;q=0.9" },
      body: q
    }).then(function (r) {
      resp = r;
      return r.text();
    }, function (e) {
      throw serverError(0, "kg serve 无法连接 · kg serve does not answer (stopped?): " + (e && e.message || e));
    }).then(function (body) {
      if (!resp.ok) throw serverError(resp.status, body.trim() || resp.statusText);
      var ms = Math.round(performance.now() - t0), cut = resp.headers.get("KG-Truncated") === "true";
      var ctype = (resp.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
      if (ctype === "application/n-triples") {
        var triples = S.parseNTriples(body);
        return { kind: "graph", vars: ["subject", "predicate", "object"], triples: triples,
                 rows: triples.map(function (t) { return { subject: t[0], predicate: t[1], object: t[2] }; }),
                 ntriples: body, ms: ms, truncated: cut, cap: S.server.max_rows };
      }
      var data = JSON.parse(body);
      if (typeof data.boolean === "boolean") return { kind: "ask", boolean: data.boolean, vars: ["boolean"], rows: [], json: body, ms: ms };
      return { kind: "select", vars: data.head.vars || [], rows: data.results.bindings, json: body, ms: ms, truncated: cut,
               cap: S.server.max_rows };
    });
  };
  var SERVER_SAYS = { 400: "查询有误 bad query", 403: "拒绝 refused", 413: "查询过长 too large",
                      502: "SPARQL 服务器出错 the SPARQL server failed", 503: "超时或繁忙 stopped" };
  function serverError(status, text) {
    var e = new Error(status ? "kg serve " + status + " " + (SERVER_SAYS[status] || "error") + " · " + text : text);
    e.refused = true;   // the message says it all (no "查询失败" before it)
    e.status = status;
    return e;
  }

  /* N-Triples (what kg serve answers to CONSTRUCT and DESCRIBE) → [[s, p, o]] of W3C JSON terms */
  var NT_TERM = /\s*(?:<([^>]*)>|_:(\S+)|"((?:[^"\\]|\\.)*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^<([^>]*)>)?)/y;
  var XSD_STRING = "http:" + "//www.w3.org/2001/XMLSchema#string";
  function unescapeNT(s) {
    return s.replace(/\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))/g, function (_, u, U, c) {
      if (u || U) return String.fromCodePoint(parseInt(u || U, 16));
      return { t: "\t", b: "\b", n: "\n", r: "\r", f: "\f" }[c] || c;
    });
  }
  S.parseNTriples = function (text) {
    var out = [];
    text.split("\n").forEach(function (line) {
      if (!line.trim() || /^\s*#/.test(line)) return;
      var t = [], pos = 0, m;
      for (var k = 0; k < 3; k++) {
        NT_TERM.lastIndex = pos;
        if (!(m = NT_TERM.exec(line))) throw new Error("kg serve sent N-Triples the page cannot read: " + line.slice(0, 80));
        pos = NT_TERM.lastIndex;
        if (m[1] !== undefined) t.push({ type: "uri", value: unescapeNT(m[1]) });
        else if (m[2] !== undefined) t.push({ type: "bnode", value: m[2] });
        else {
          var o = { type: "literal", value: unescapeNT(m[3]) };
          if (m[4]) o["xml:lang"] = m[4];
          else if (m[5] && m[5] !== XSD_STRING) o.datatype = m[5];
          t.push(o);
        }
      }
      out.push(t);
    });
    return out;
  };

  /* W3C SPARQL 1.1 Query Results CSV: header of variable names, values as plain strings, CRLF */
  S.csv = function (r) {
    function cell(v) {
      if (v === undefined || v === null) return "";
      var s = v.type === "bnode" ? "_:" + v.value : v.value;
      return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    }
    if (r.kind === "ask") return "boolean\r\n" + (r.boolean ? "true" : "false") + "\r\n";
    var out = [r.vars.map(function (v) { return cell({ value: v }); }).join(",")];
    r.rows.forEach(function (row) { out.push(r.vars.map(function (v) { return cell(row[v]); }).join(",")); });
    return out.join("\r\n") + "\r\n";
  };
  S.jsonText = function (r) {
    if (r.kind === "graph") return JSON.stringify({ head: { vars: r.vars }, results: { bindings: r.rows } }, null, 1);
    return JSON.stringify(JSON.parse(r.json), null, 1);
  };

  // ------------------------------------------------------------------ highlighting
  var KEYWORDS = ("SELECT DISTINCT REDUCED WHERE FILTER OPTIONAL UNION MINUS GRAPH SERVICE BIND VALUES AS PREFIX BASE " +
    "ORDER BY ASC DESC LIMIT OFFSET GROUP HAVING CONSTRUCT DESCRIBE ASK FROM NAMED NOT EXISTS IN A UNDEF " +
    "INSERT DELETE DATA LOAD CLEAR DROP CREATE ADD MOVE COPY WITH USING DEFAULT ALL SILENT INTO TO").split(" ");
  var FUNCS = ("STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE " +
    "ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW " +
    "UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC " +
    "REGEX SUBSTR REPLACE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR").split(" ");
  var KW = new Set(KEYWORDS), FN = new Set(FUNCS);
  var TOKEN = /("""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)|(#[^\n]*)|(<[^<>"{}|^`\\\s]*>)|([?$][\w\u00b7\u0300-\u036f\u203f-\u2040\u00c0-\uffff]+)|([A-Za-z][\w.-]*)?:([\w\u00c0-\uffff-]*(?:\.[\w\u00c0-\uffff-]+)*)|(\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b)|([A-Za-z_]\w*)/g;
  /* q → [[class, text]] covering q */
  S.tokens = function (q) {
    var out = [], last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(q))) {
      if (m[0] === "") { TOKEN.lastIndex++; continue; }
      if (m.index > last) out.push(["", q.slice(last, m.index)]);
      var cls = "";
      if (m[1] !== undefined) cls = "tk-str";
      else if (m[2] !== undefined) cls = "tk-com";
      else if (m[3] !== undefined) cls = "tk-iri";
      else if (m[4] !== undefined) cls = "tk-var";
      else if (m[6] !== undefined) cls = "tk-pn";
      else if (m[7] !== undefined) cls = "tk-num";
      else if (m[8] !== undefined) {
        var u = m[8].toUpperCase();
        cls = KW.has(u) ? "tk-kw" : (FN.has(u) ? "tk-fn" : "");
        if (m[8] === "a") cls = "tk-kw";
      }
      out.push([cls, m[0]]);
      last = m.index + m[0].length;
    }
    if (last < q.length) out.push(["", q.slice(last)]);
    return out;
  };

  // ------------------------------------------------------------------ editor
  var ta, hl, list, items = [], active = -1, from = 0;
  S.completions = function () {
    var words = Object.keys(M.prefixes).map(function (p) { return p + ":"; });
    return words.concat(M.terms).concat(KEYWORDS.filter(function (k) { return k.length > 2; }));
  };
  function paint() {
    KG.clear(hl);
    S.tokens(ta.value + "\n").forEach(function (t) {
      if (t[0]) hl.appendChild(KG.el("span", t[0], t[1]));
      else hl.appendChild(document.createTextNode(t[1]));
    });
    hl.scrollTop = ta.scrollTop;
  }
  function word() {
    var pos = ta.selectionStart, before = ta.value.slice(0, pos);
    var m = /([A-Za-z][\w.-]*:?[\w-]*)$/.exec(before);
    return m ? { text: m[1], start: pos - m[1].length, end: pos } : { text: "", start: pos, end: pos };
  }
  function close() { list.hidden = true; items = []; active = -1; }
  function openList(force) {
    var w = word();
    if (!force && w.text.length < 2) { close(); return; }
    var low = w.text.toLowerCase();
    var cands = S.completions().filter(function (c) {
      return c.toLowerCase().indexOf(low) === 0 && c !== w.text;
    });
    if (!cands.length && force) cands = S.completions().filter(function (c) { return c.toLowerCase().indexOf(low) >= 0; });
    cands = Array.from(new Set(cands)).slice(0, 40);
    if (!cands.length) { close(); return; }
    from = w.start;
    KG.clear(list);
    items = cands;
    cands.forEach(function (c, i) {
      var li = KG.el("li", "", c);
      li.setAttribute("role", "option");
      li.id = "cmp-" + i;
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); accept(i); });
      list.appendChild(li);
    });
    // under the caret's line
    var lines = ta.value.slice(0, ta.selectionStart).split("\n").length;
    list.style.top = Math.min(ta.clientHeight - 20, 6 + lines * 19.5 - ta.scrollTop + 4) + "px";
    list.hidden = false;
    move(0);
  }
  function move(i) {
    active = (i + items.length) % items.length;
    Array.prototype.forEach.call(list.children, function (li, k) { li.setAttribute("aria-selected", k === active ? "true" : "false"); });
    var li = list.children[active];
    if (li) KG.scrollTo(list, li, false);
    ta.setAttribute("aria-activedescendant", li ? li.id : "");
  }
  function accept(i) {
    var w = word(), c = items[i];
    ta.setRangeText(c, from, w.end, "end");
    close();
    paint();
    ta.focus();
    S.onChange();
  }
  S.onChange = function () {};
  S.setText = function (q) { ta.value = q; paint(); close(); };
  S.text = function () { return ta.value; };
  S.setupEditor = function (onRun) {
    ta = KG.$("sparql"); hl = KG.$("editor-hl"); list = KG.$("complete");
    ta.addEventListener("input", function () { paint(); openList(false); S.onChange(); });
    ta.addEventListener("scroll", function () { hl.scrollTop = ta.scrollTop; });
    ta.addEventListener("blur", function () { setTimeout(close, 150); });
    ta.addEventListener("keydown", function (ev) {
      if (!list.hidden && items.length) {
        if (ev.key === "ArrowDown") { ev.preventDefault(); move(active + 1); return; }
        if (ev.key === "ArrowUp") { ev.preventDefault(); move(active - 1); return; }
        if (ev.key === "Enter" || ev.key === "Tab") { ev.preventDefault(); accept(active); return; }
        if (ev.key === "Escape") { ev.preventDefault(); close(); return; }
      }
      if ((ev.ctrlKey || ev.metaKey) && ev.key === "Enter") { ev.preventDefault(); onRun(); return; }
      if (ev.ctrlKey && (ev.key === " " || ev.code === "Space")) { ev.preventDefault(); openList(true); return; }
    });
    paint();
  };
})(window.kgExplorer);
