/* kg view: builds the page from the JSON in #kg-data. Text from the documents is only ever
   put into the page with textContent / property assignment, never parsed as HTML. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var kgView = {
    ready: false, readyTime: null, error: null, selected: null, selectedIri: null,
    selectedId: null, data: DATA, view: DATA.view, hiddenTypes: [], expanded: []
  };
  window.kgView = kgView;

  var TYPES = {};
  DATA.types.forEach(function (t) { TYPES[t.key] = t; });
  var NODES = new Map();
  DATA.nodes.forEach(function (n) { NODES.set(n.id, n); });
  var EDGES = DATA.edges.map(function (e, i) { e.id = "e" + i; return e; });
  var ADJ = new Map();
  EDGES.forEach(function (e) {
    if (!ADJ.has(e.from)) ADJ.set(e.from, []);
    if (!ADJ.has(e.to)) ADJ.set(e.to, []);
    ADJ.get(e.from).push(e);
    ADJ.get(e.to).push(e);
  });
  var hidden = new Set();
  var corpus = !!DATA.clusters;
  var clusterOf = new Map();      // node id -> [cluster index]
  if (corpus) {
    DATA.clusters.forEach(function (c, ci) {
      c.members.forEach(function (m) {
        if (!clusterOf.has(m[0])) clusterOf.set(m[0], []);
        clusterOf.get(m[0]).push(ci);
      });
    });
  }

  // ---------------------------------------------------------------- helpers
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function typeName(t) { var x = TYPES[t]; return x ? x.zh + " " + x.en : t; }
  function shade(hex, f) {
    var n = parseInt(hex.slice(1), 16);
    var r = Math.round(((n >> 16) & 255) * f), g = Math.round(((n >> 8) & 255) * f), b = Math.round((n & 255) * f);
    return "#" + ((1 << 24) + (r << 16) + (g << 8) + b).toString(16).slice(1);
  }
  var FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif";
  var FONT_SIZE = { report: 30, section: 18, aspect: 22, problem: 16 };

  function tooltip(n) {
    var d = el("div", "kg-tip");
    d.appendChild(el("div", "t", typeName(n.type)));
    d.appendChild(el("div", "l", n.full));
    if (n.q && n.q.length) {
      var q = n.q[0];
      d.appendChild(el("div", "q", (q.l ? "第" + q.l + "行：" : "") + q.t));
    }
    return d;
  }

  function visNode(n, x, y) {
    var t = TYPES[n.type] || { color: "#9e9e9e", shape: "dot" };
    var box = n.shape === "box";
    var o = {
      id: n.id, label: n.label, x: x, y: y, size: n.size, title: tooltip(n),
      shape: box ? "box" : t.shape, hidden: hidden.has(n.type),
      color: {
        background: t.color, border: shade(t.color, 0.7),
        highlight: { background: t.color, border: "#111" },
        hover: { background: t.color, border: "#111" }
      },
      borderWidth: 1, borderWidthSelected: 5
    };
    if (box) {
      o.font = { color: "#ffffff", size: 14, face: FONT };
      o.widthConstraint = { maximum: 270 };
      o.margin = 6;
    } else {
      o.font = { size: FONT_SIZE[n.type] || 13, face: FONT, color: "#263238", strokeWidth: 4, strokeColor: "#ffffff" };
    }
    return o;
  }

  function edgeText(e) {
    return e.label || e.rel;
  }
  function visEdge(e) {
    var action = e.rel.indexOf("mentions:") === 0;
    var tip = el("div", "kg-tip");
    var a = NODES.get(e.from), b = NODES.get(e.to);
    tip.appendChild(el("div", "t", edgeText(e) + (e.n ? " ×" + e.n : "")));
    tip.appendChild(el("div", "", (a ? a.full : "") + " → " + (b ? b.full : "")));
    var o = {
      id: e.id, from: e.from, to: e.to, title: tip,
      arrows: { to: { enabled: true, scaleFactor: 0.45 } },
      color: { color: action ? "#8fa8c8" : "#b0bec5", highlight: "#1565c0", hover: "#1565c0" },
      width: action ? 1.3 : 1
    };
    if (action && DATA.view !== "overview") {
      o.label = edgeText(e);
      o.font = { size: 11, color: "#546e7a", strokeWidth: 3, strokeColor: "#fff", face: FONT, align: "middle" };
    }
    if (DATA.view === "trace" && !action) o.arrows = { to: { enabled: false } };
    return o;
  }

  // ---------------------------------------------------------------- data sets
  var nodesDS = new vis.DataSet();
  var edgesDS = new vis.DataSet();
  var present = new Set();            // node ids currently in nodesDS

  function addNodes(list) {            // list of [node, x, y]
    var items = [];
    list.forEach(function (it) {
      if (present.has(it[0].id)) return;
      present.add(it[0].id);
      items.push(visNode(it[0], it[1], it[2]));
    });
    if (items.length) nodesDS.add(items);
    // edges whose both ends are now present
    var eitems = [];
    list.forEach(function (it) {
      (ADJ.get(it[0].id) || []).forEach(function (e) {
        if (present.has(e.from) && present.has(e.to) && !edgesDS.get(e.id) && !eitems.some(function (x) { return x.id === e.id; })) {
          eitems.push(visEdge(e));
        }
      });
    });
    if (eitems.length) edgesDS.add(eitems);
  }
  function removeNodes(ids) {
    var eids = [];
    ids.forEach(function (id) {
      present.delete(id);
      (ADJ.get(id) || []).forEach(function (e) { eids.push(e.id); });
    });
    edgesDS.remove(eids.filter(function (x) { return edgesDS.get(x); }));
    nodesDS.remove(ids);
  }

  // clusters (corpus overview)
  function clusterVisNode(c, ci) {
    var t = TYPES.report || { color: "#37474f" };
    var tip = el("div", "kg-tip");
    var rep = DATA.reports[c.report];
    tip.appendChild(el("div", "t", "通报 Report · " + c.count + " 个节点 · 点击展开"));
    tip.appendChild(el("div", "l", rep ? rep.label : c.label));
    return {
      id: "c" + ci, label: c.label + "\n(" + c.count + ")", x: c.x, y: c.y, shape: "star",
      size: 30 + Math.sqrt(c.count) * 1.5, title: tip,
      color: { background: t.color, border: "#000", highlight: { background: "#546e7a", border: "#000" } },
      font: { size: 44, face: FONT, color: "#263238", strokeWidth: 6, strokeColor: "#fff" }
    };
  }
  function expand(ci) {
    if (kgView.expanded.indexOf(ci) >= 0) return;
    var c = DATA.clusters[ci];
    kgView.expanded.push(ci);
    nodesDS.remove("c" + ci);
    addNodes(c.members.map(function (m) { return [NODES.get(m[0]), m[1], m[2]]; }));
    updateCounts();
  }
  function collapse(ci) {
    var k = kgView.expanded.indexOf(ci);
    if (k < 0) return;
    kgView.expanded.splice(k, 1);
    var c = DATA.clusters[ci];
    var drop = c.members.map(function (m) { return m[0]; }).filter(function (id) {
      return !(clusterOf.get(id) || []).some(function (o) { return kgView.expanded.indexOf(o) >= 0; });
    });
    removeNodes(drop);
    nodesDS.add(clusterVisNode(c, ci));
    hidePanel();
    updateCounts();
  }
  kgView.expand = expand;
  kgView.collapse = collapse;

  // trace with a report selector (several reports)
  var currentReport = null;
  function showReport(ri) {
    currentReport = ri;
    nodesDS.clear(); edgesDS.clear(); present.clear();
    var list = [];
    if (ri === null || ri === "all") {
      DATA.nodes.forEach(function (n) { list.push([n, n.x, n.y]); });
    } else if (DATA.perReport) {
      DATA.perReport[ri].forEach(function (m) { list.push([NODES.get(m[0]), m[1], m[2]]); });
    }
    addNodes(list);
    updateCounts();
    if (network) network.fit({ animation: false });
  }

  // ---------------------------------------------------------------- network
  var container = document.getElementById("graph");
  var options = {
    autoResize: true,
    physics: { enabled: false },
    layout: { improvedLayout: false, randomSeed: 1 },
    interaction: {
      hover: true, tooltipDelay: 150, navigationButtons: false, keyboard: false,
      hideEdgesOnDrag: DATA.nodes.length > 1500, hideEdgesOnZoom: DATA.nodes.length > 1500
    },
    nodes: { borderWidth: 1, borderWidthSelected: 5, scaling: { label: { drawThreshold: 6 } } },
    edges: { smooth: false, selectionWidth: 2, hoverWidth: 1.5 }
  };
  var network = null;

  function initialData() {
    if (corpus) {
      nodesDS.add(DATA.clusters.map(clusterVisNode));
      var orph = (DATA.orphans || []).map(function (id) { var n = NODES.get(id); return [n, n.x, n.y]; });
      if (orph.length) addNodes(orph);
    } else if (DATA.perReport) {
      var sel = document.getElementById("report-select");
      sel.hidden = false;
      if (DATA.reports.length <= 5) {
        var oa = el("option", "", "全部通报 All reports"); oa.value = "all"; sel.appendChild(oa);
      }
      DATA.reports.forEach(function (r, i) {
        var o = el("option", "", (i + 1) + ". " + r.label); o.value = String(i); sel.appendChild(o);
      });
      sel.addEventListener("change", function () { showReport(sel.value === "all" ? "all" : +sel.value); });
      var first = DATA.reports.length <= 5 ? "all" : 0;
      sel.value = String(first);
      showReport(first);
    } else {
      addNodes(DATA.nodes.map(function (n) { return [n, n.x, n.y]; }));
    }
  }

  // ---------------------------------------------------------------- title bar, nav
  function buildHeader() {
    document.getElementById("title").textContent = DATA.title;
    var sub = DATA.subtitle || "";
    if (!sub && DATA.reports.length === 1) {
      var a = DATA.reports[0].attrs || {};
      sub = [a.publisher, a.inspectedBy, a.inspectionRound, a.feedbackDate].filter(Boolean).join(" · ");
    }
    document.getElementById("subtitle").textContent = sub;
    document.getElementById("title").title = DATA.title;
    var nav = document.getElementById("views");
    (DATA.links || []).forEach(function (l) {
      if (!/^[A-Za-z0-9_.-]+\.html$/.test(l.href)) return;
      var a = el("a", "", l.label);
      a.href = l.href;
      if (l.tip) a.title = l.tip;
      if (l.current) a.setAttribute("aria-current", "page");
      nav.appendChild(a);
    });
  }

  // ---------------------------------------------------------------- legend & filter
  var typeCounts = {};
  DATA.nodes.forEach(function (n) { typeCounts[n.type] = (typeCounts[n.type] || 0) + 1; });
  function buildLegend() {
    var ul = document.getElementById("legend-items");
    DATA.types.forEach(function (t) {
      var li = el("li");
      li.dataset.type = t.key;
      var lab = el("label");
      var cb = el("input");
      cb.type = "checkbox"; cb.checked = true; cb.value = t.key;
      cb.setAttribute("data-type", t.key);
      cb.addEventListener("change", function () { setTypeVisible(t.key, cb.checked); });
      var sw = el("span", "swatch " + t.shape);
      sw.style.background = t.color;
      var name = el("span", "", t.zh);
      name.appendChild(el("span", "en", " " + t.en));
      lab.appendChild(cb); lab.appendChild(sw); lab.appendChild(name);
      lab.appendChild(el("span", "n", typeCounts[t.key] || 0));
      li.appendChild(lab);
      ul.appendChild(li);
    });
  }
  function setTypeVisible(type, visible) {
    if (visible) hidden.delete(type); else hidden.add(type);
    kgView.hiddenTypes = Array.from(hidden);
    var cb = document.querySelector('#legend input[data-type="' + CSS.escape(type) + '"]');
    if (cb) cb.checked = visible;
    var upd = [];
    present.forEach(function (id) {
      var n = NODES.get(id);
      if (n && n.type === type) upd.push({ id: id, hidden: !visible });
    });
    if (upd.length) nodesDS.update(upd);
    updateCounts();
  }
  kgView.setTypeVisible = setTypeVisible;
  kgView.countVisible = function (type) {
    var c = 0;
    nodesDS.forEach(function (it) {
      var n = NODES.get(it.id);
      if (n && (!type || n.type === type) && !it.hidden) c++;
    });
    return c;
  };
  function updateCounts() {
    var shown = kgView.countVisible();
    var txt = "显示 " + shown + " / " + DATA.nodes.length + " 个节点，" + edgesDS.length + " 条关系";
    if (corpus) txt += "；已展开 " + kgView.expanded.length + " / " + DATA.clusters.length + " 份通报";
    document.getElementById("counts").textContent = txt;
  }

  // ---------------------------------------------------------------- panel
  var panel = document.getElementById("panel");
  var panelBody = document.getElementById("panel-body");
  function hidePanel() { panel.hidden = true; }
  document.getElementById("panel-close").addEventListener("click", hidePanel);

  function showPanel(n) {
    panelBody.textContent = "";
    var t = TYPES[n.type] || { color: "#999" };
    var badge = el("span", "badge", typeName(n.type));
    badge.style.background = t.color;
    panelBody.appendChild(badge);
    panelBody.appendChild(el("h2", "", n.full));
    if (n.rep && n.rep.length) {
      panelBody.appendChild(el("h3", "", "通报 Report"));
      var ul0 = el("ul", "nb");
      n.rep.slice(0, 12).forEach(function (ri) {
        var r = DATA.reports[ri];
        if (r) ul0.appendChild(el("li", "", r.label));
      });
      if (n.rep.length > 12) ul0.appendChild(el("li", "", "… +" + (n.rep.length - 12)));
      panelBody.appendChild(ul0);
    }
    var acts = el("div", "actions");
    (DATA.links || []).forEach(function (l) {
      if (l.aspect && l.aspect === n.iri && !l.current && /^[A-Za-z0-9_.-]+\.html$/.test(l.href)) {
        var a = el("a", "", "打开此方面的视图 Open aspect view →");
        a.href = l.href;
        acts.appendChild(a);
      }
    });
    if (corpus && n.type === "report") {
      var ci = DATA.clusters.findIndex(function (c) { return c.node === n.id; });
      if (ci >= 0) {
        var b = el("button", "", "收起此通报 Collapse");
        b.type = "button";
        b.addEventListener("click", function () { collapse(ci); });
        acts.appendChild(b);
      }
    }
    if (acts.childNodes.length) panelBody.appendChild(acts);
    if (n.a) {
      panelBody.appendChild(el("h3", "", "属性 Attributes"));
      var dl = el("dl");
      Object.keys(n.a).forEach(function (k) {
        dl.appendChild(el("dt", "", k));
        dl.appendChild(el("dd", "", n.a[k]));
      });
      panelBody.appendChild(dl);
    }
    if (n.q && n.q.length) {
      panelBody.appendChild(el("h3", "", "原文 Evidence (" + n.nq + ")"));
      n.q.forEach(function (q) {
        var bq = el("blockquote");
        if (q.l) bq.appendChild(el("span", "line", "第" + q.l + "行"));
        if (DATA.reports.length > 1 && q.r >= 0 && DATA.reports[q.r]) {
          bq.appendChild(el("span", "line", DATA.reports[q.r].label));
        }
        bq.appendChild(document.createTextNode(q.t));
        panelBody.appendChild(bq);
      });
      if (n.nq > n.q.length) panelBody.appendChild(el("p", "", "… 另有 " + (n.nq - n.q.length) + " 处"));
    }
    var nbs = ADJ.get(n.id) || [];
    if (nbs.length) {
      panelBody.appendChild(el("h3", "", "相邻 Neighbours (" + nbs.length + ")"));
      var ul = el("ul", "nb");
      nbs.slice(0, 80).forEach(function (e) {
        var out = e.from === n.id;
        var other = NODES.get(out ? e.to : e.from);
        if (!other) return;
        var li = el("li");
        li.appendChild(el("span", "rel", (out ? "→ " : "← ") + edgeText(e)));
        var b = el("button", "", other.full);
        b.type = "button";
        b.title = typeName(other.type);
        b.addEventListener("click", function () { select(other.id, true); });
        li.appendChild(b);
        ul.appendChild(li);
      });
      if (nbs.length > 80) ul.appendChild(el("li", "", "… +" + (nbs.length - 80)));
      panelBody.appendChild(ul);
    }
    panelBody.appendChild(el("div", "iri", n.iri));
    panel.hidden = false;
  }

  // ---------------------------------------------------------------- selection & search
  function ensurePresent(id) {
    if (present.has(id)) return true;
    if (corpus) {
      var cs = clusterOf.get(id) || [];
      if (cs.length) { expand(cs[0]); return present.has(id); }
      return false;
    }
    if (DATA.perReport) {
      var n = NODES.get(id);
      if (n && n.rep && n.rep.length) {
        var sel = document.getElementById("report-select");
        sel.value = String(n.rep[0]);
        showReport(n.rep[0]);
        return present.has(id);
      }
    }
    return false;
  }
  function select(id, focus) {
    var n = NODES.get(id);
    if (!n) return false;
    if (hidden.has(n.type)) setTypeVisible(n.type, true);
    if (!ensurePresent(id)) return false;
    network.selectNodes([id]);
    if (focus) {
      var scale = Math.max(network.getScale(), 0.9);
      network.focus(id, { scale: scale, animation: false });
    }
    kgView.selected = n.full;
    kgView.selectedIri = n.iri;
    kgView.selectedId = id;
    showPanel(n);
    return true;
  }
  kgView.select = function (iri) {
    for (var n of NODES.values()) if (n.iri === iri) return select(n.id, true);
    return false;
  };

  function matches(q) {
    q = q.trim().replace(/^《|》$/g, "").toLowerCase();
    if (!q) return [];
    var out = [];
    DATA.nodes.forEach(function (n) {
      var f = n.full.toLowerCase();
      var i = f.indexOf(q);
      if (i >= 0) out.push([f === q ? 0 : (i === 0 ? 1 : 2), f.length, n.id, n]);
    });
    out.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]; });
    return out.map(function (x) { return x[3]; });
  }
  var lastQuery = null, lastIndex = 0;
  function search(q) {
    var status = document.getElementById("search-status");
    var ms = matches(q);
    if (!ms.length) { status.textContent = "未找到"; return null; }
    if (q === lastQuery) lastIndex = (lastIndex + 1) % ms.length; else lastIndex = 0;
    lastQuery = q;
    var n = ms[lastIndex];
    select(n.id, true);
    status.textContent = (lastIndex + 1) + "/" + ms.length;
    return n.full;
  }
  kgView.search = search;
  var input = document.getElementById("search");
  var dlist = document.getElementById("search-names");
  input.addEventListener("input", function () {
    dlist.textContent = "";
    matches(input.value).slice(0, 20).forEach(function (n) {
      var o = document.createElement("option");
      o.value = n.full;
      dlist.appendChild(o);
    });
  });
  input.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); search(input.value); } });
  input.addEventListener("change", function () { if (input.value && input.value !== lastQuery) search(input.value); });
  document.getElementById("search-go").addEventListener("click", function () { search(input.value); });
  document.getElementById("fit").addEventListener("click", function () { network.fit({ animation: false }); });

  // ---------------------------------------------------------------- start
  try {
    buildHeader();
    buildLegend();
    network = new vis.Network(container, { nodes: nodesDS, edges: edgesDS }, options);
    kgView.network = network;
    kgView.nodes = nodesDS;
    kgView.edges = edgesDS;
    network.once("afterDrawing", function () {
      kgView.ready = true;
      kgView.readyTime = performance.now();
      document.body.setAttribute("data-ready", "1");
    });
    initialData();
    updateCounts();
    network.on("click", function (p) {
      if (!p.nodes.length) return;
      var id = p.nodes[0];
      if (typeof id === "string" && id.charAt(0) === "c") { expand(+id.slice(1)); return; }
      select(id, false);
    });
    network.on("doubleClick", function (p) {
      if (!p.nodes.length) return;
      var id = p.nodes[0];
      if (typeof id === "string" && id.charAt(0) === "c") { expand(+id.slice(1)); return; }
      network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: false });
    });
    network.fit({ animation: false });
    if (DATA.center !== undefined) {
      var c = NODES.get(DATA.center);
      if (c) { network.selectNodes([c.id]); kgView.selected = c.full; kgView.selectedIri = c.iri; kgView.selectedId = c.id; showPanel(c); network.redraw(); network.fit({ animation: false }); }
    }
  } catch (err) {
    kgView.error = String(err && err.stack || err);
    throw err;
  }
})();
