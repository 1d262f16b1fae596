/* kg explorer — engine.js: the in-page SPARQL engine (Oxigraph's WebAssembly build) in a dedicated Web Worker,
   so that no query can freeze the page. The worker is made from a blob: URL holding Oxigraph's classic script
   (read from its text/plain block kg-oxigraph: data, never run in the page) and workerMain below; it gets
   the wasm bytes and the N-Quads by postMessage. Each query runs within the time limit of `kg query`
   (kg.store.guard.DEFAULT_TIMEOUT): past it, or on Esc / 停止 Cancel, the worker is terminated and a fresh one
   loads the graph again, so the next query works. The worker cuts answers at the row cap before sending them
   (Oxigraph's JS API builds an answer whole: the time limit bounds how long that may take). */
(function (KG) {
  "use strict";
  var M = KG.model, L = M.limits;
  /* test hooks: kgExplorer.engine.timeoutMs / .maxRows may be lowered (0: no limit / no cap) */
  var E = KG.engine = { timeoutMs: (L.timeoutS || 0) * 1000, maxRows: L.maxRows, size: 0, restarts: 0 };
  var wasm = null, nq = null, url = null, worker = null, loading = null, pending = null, seq = 0, waiting = 0;

  /* runs in the worker, after Oxigraph's script (which defines kgOxigraph); never called in the page */
  function workerMain() {
    var ox = self.kgOxigraph, store = null;
    var XSD_STRING = "http:" + "//www.w3.org/2001/XMLSchema#string";
    function term(t) {
      if (t.termType === "NamedNode") return { type: "uri", value: t.value };
      if (t.termType === "BlankNode") return { type: "bnode", value: t.value };
      var o = { type: "literal", value: t.value };
      if (t.language) o["xml:lang"] = t.language;
      else if (t.datatype && t.datatype.value !== XSD_STRING) o.datatype = t.datatype.value;
      return o;
    }
    function run(m) {
      var t0 = performance.now(), cap = m.maxRows;
      if (m.graph) {   // CONSTRUCT, DESCRIBE
        var quads = store.query(m.text, { use_default_graph_as_union: true });
        var cut = !!(cap && quads.length > cap);
        if (cut) quads = quads.slice(0, cap);
        var triples = quads.map(function (x) { return [term(x.subject), term(x.predicate), term(x.object)]; });
        return { kind: "graph", vars: ["subject", "predicate", "object"], triples: triples,
                 rows: triples.map(function (t) { return { subject: t[0], predicate: t[1], object: t[2] }; }),
                 ntriples: quads.map(function (x) { return x.toString() + " ."; }).join("\n") + (quads.length ? "\n" : ""),
                 ms: Math.round(performance.now() - t0), truncated: cut, cap: cap };
      }
      var res = store.query(m.text, { use_default_graph_as_union: true, results_format: "application/sparql-results+json" });
      var data = JSON.parse(res), ms = Math.round(performance.now() - t0);
      if (typeof data.boolean === "boolean") return { kind: "ask", boolean: data.boolean, vars: ["boolean"], rows: [], json: res, ms: ms };
      var rows = data.results.bindings, truncated = !!(cap && rows.length > cap);
      if (truncated) {
        rows = rows.slice(0, cap);
        res = JSON.stringify({ head: data.head, results: { bindings: rows } });
      }
      return { kind: "select", vars: data.head.vars, rows: rows, json: res, ms: ms, truncated: truncated, cap: cap };
    }
    self.onmessage = function (ev) {
      var m = ev.data;
      if (m.op === "load") {
        ox.init({ module_or_path: m.wasm }).then(function () {
          store = new ox.Store();
          if (m.nq.byteLength) store.load(new Uint8Array(m.nq), { format: "application/n-quads" });
          self.postMessage({ id: m.id, size: store.size });
        }).catch(function (e) { self.postMessage({ id: m.id, error: String(e && e.message || e) }); });
        return;
      }
      var out;
      try { out = { id: m.id, result: run(m) }; } catch (e) { out = { id: m.id, error: String(e && e.message || e) }; }
      self.postMessage(out);
    };
  }

  function secs(ms) { return (ms / 1000).toFixed(ms % 1000 ? 1 : 0).replace(/\.0$/, ""); }
  function fail(text, extra) {
    var e = new Error(text);
    Object.keys(extra || {}).forEach(function (k) { e[k] = extra[k]; });
    return e;
  }

  /* a fresh worker with the graph loaded → a Promise of it (rejects when the engine cannot start) */
  function start() {
    if (!url) {
      var ox = document.getElementById("kg-oxigraph").textContent;
      url = URL.createObjectURL(new Blob([ox, "\n(", workerMain.toString(), ")();\n"],
                                         { type: "text/javascript" }));
    }
    var w = worker = new Worker(url);
    loading = new Promise(function (resolve, reject) {
      var id = ++seq;
      w.onmessage = function (ev) {
        if (ev.data.id !== id) return;
        if (ev.data.error) { reject(new Error(ev.data.error)); return; }
        E.size = ev.data.size;
        w.onmessage = answer;
        resolve(w);
      };
      w.onerror = function (ev) { ev.preventDefault(); reject(new Error(ev.message || "the engine's worker failed")); };
      var a = wasm.slice(0).buffer, b = nq.slice(0).buffer;   // copies: the originals start the next worker
      w.postMessage({ op: "load", id: id, wasm: a, nq: b }, [a, b]);
    });
    return loading;
  }

  function answer(ev) {
    var p = pending;
    if (!p || ev.data.id !== p.id) return;
    settle();
    if (ev.data.error) p.reject(fail(ev.data.error)); else p.resolve(ev.data.result);
  }
  function settle() {
    if (pending) clearTimeout(pending.timer);
    pending = null;
    showRunning(false);
  }

  /* stop the running query (why: the Error it rejects with) and start a fresh worker */
  function stop(why) {
    var p = pending;
    if (!p) return;
    settle();
    worker.onerror = null;
    worker.terminate();
    E.restarts++;
    start().catch(function () {});
    p.reject(why);
  }

  /* the engine over the embedded graph: wasmBytes and nquads (Uint8Array) → a Promise of {size} */
  E.load = function (wasmBytes, nquads) {
    wasm = wasmBytes; nq = nquads;
    return start().then(function () { return { size: E.size }; });
  };
  E.ready = function () { return !!worker; };
  /* a query is running or waits for a fresh worker */
  E.running = function () { return !!pending || waiting > 0; };

  /* run text (prefixes added, refusals checked) → a Promise of the answer of S.run; graph: CONSTRUCT/DESCRIBE */
  E.query = function (text, graph) {
    if (pending) stop(fail("已被新的查询取代 · superseded by the next query", { refused: true, cancelled: true }));
    waiting++;
    return loading.then(function (w) {
      waiting--;
      return new Promise(function (resolve, reject) {
        var id = ++seq, limit = E.timeoutMs;
        pending = { id: id, resolve: resolve, reject: reject, timer: 0 };
        if (limit > 0) pending.timer = setTimeout(function () {
          stop(fail("已停止 stopped at the time limit of " + secs(limit) + " s, as kg query does; narrow the query " +
                    "(LIMIT, a more selective pattern) or run kg query --timeout SECONDS", { refused: true, timeout: true }));
        }, limit);
        w.onerror = function (ev) {
          ev.preventDefault();
          stop(fail("查询引擎出错 · the query engine failed (" + (ev.message || "out of memory?") + "); it was restarted"));
        };
        showRunning(true);
        w.postMessage({ op: "query", id: id, text: text, graph: !!graph, maxRows: E.maxRows });
      });
    }, function (e) { waiting--; throw e; });
  };

  /* Esc or 停止 Cancel: stop the running query */
  E.cancel = function () {
    stop(fail("已取消 · cancelled (the engine was restarted)", { refused: true, cancelled: true }));
  };
  function showRunning(on) {
    var b = document.getElementById("query-cancel");
    if (b) b.hidden = !on;
  }
  function wire() {
    var b = document.getElementById("query-cancel");
    if (b) b.addEventListener("click", E.cancel);
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && pending && !ev.defaultPrevented) { ev.preventDefault(); E.cancel(); }
    });
  }
  wire();
})(window.kgExplorer);
