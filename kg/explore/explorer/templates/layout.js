/* kg explorer — layout.js: a deterministic layered layout whose boxes are sized from their labels, so no
   two labels overprint: one column per node level (report → section → aspect → problem → measure →
   document → unit … left to right), rows ordered by the rows of the neighbours already placed, a long
   column wrapped into several. The same input gives the same positions. */
(function (KG) {
  "use strict";
  var FACE = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var SIZE = 14, PAD = 9, LINE_H = 19, PAD_Y = 8, VGAP = 12, HGAP = 56, MAX_ROWS = 12, LINE_W = 160, MAX_LINES = 2;
  var BOX_H = LINE_H + 2 * PAD_Y;
  KG.FONT_FACE = FACE;
  KG.FONT_SIZE = SIZE;
  KG.BOX_H = BOX_H;
  var ctx = document.createElement("canvas").getContext("2d");
  ctx.font = SIZE + "px " + FACE;
  KG.textWidth = function (s) { return ctx.measureText(s).width; };
  KG.LINE_H = LINE_H;
  KG.PAD_Y = PAD_Y;

  /* a label in at most MAX_LINES lines of at most LINE_W pixels (CJK breaks anywhere; the last line ends in …) */
  KG.wrap = function (label, lineW, maxLines) {
    lineW = lineW || LINE_W;
    maxLines = maxLines || MAX_LINES;
    var chars = Array.from(String(label).replace(/\s+/g, " ").trim()), lines = [], cur = "";
    for (var i = 0; i < chars.length; i++) {
      var next = cur + chars[i];
      if (cur && KG.textWidth(next) > lineW) {
        if (lines.length === maxLines - 1) {
          while (cur && KG.textWidth(cur + "…") > lineW) cur = Array.from(cur).slice(0, -1).join("");
          lines.push(cur + "…");
          return lines;
        }
        lines.push(cur);
        cur = chars[i] === " " ? "" : chars[i];
      } else cur = next;
    }
    if (cur || !lines.length) lines.push(cur);
    return lines;
  };

  function levelOf(n) {
    if (typeof n.level === "number") return n.level;
    var t = KG.types[n.type];
    return t ? t.level : 8;
  }

  /* spec.nodes: [{id, label, type, level?}] in a meaningful order; spec.edges: [{from, to}].
     Sets n.x, n.y (box centre), n.w, n.h, n.text (the drawn label); returns spec. */
  KG.layout = function (spec) {
    var nodes = spec.nodes, byId = new Map();
    nodes.forEach(function (n, i) {
      n.order = i;
      if (!n.measured) {       // first pass: from the label; G.show then measures the drawn boxes
        var lines = KG.wrap(n.label, spec.lineW || LINE_W, n.lines || spec.lines || MAX_LINES);
        n.text = lines.join("\n");
        n.tw = Math.ceil(Math.max.apply(null, lines.map(KG.textWidth))) + 2;
        n.w = n.tw + 2 * PAD;
        n.h = lines.length * LINE_H + 2 * PAD_Y;
      }
      n.bary = undefined;
      n.x = n.y = undefined;
      n.lvl = levelOf(n);
      byId.set(n.id, n);
    });
    var nbr = new Map();
    nodes.forEach(function (n) { nbr.set(n.id, []); });
    spec.edges.forEach(function (e) {
      if (byId.has(e.from) && byId.has(e.to) && e.from !== e.to) {
        nbr.get(e.from).push(e.to);
        nbr.get(e.to).push(e.from);
      }
    });
    var levels = Array.from(new Set(nodes.map(function (n) { return n.lvl; }))).sort(function (a, b) { return a - b; });
    var cols = levels.map(function (l) { return nodes.filter(function (n) { return n.lvl === l; }); });
    var x = 0;
    cols.forEach(function (col, ci) {
      // order by the mean row of neighbours already placed (earlier columns), then input order
      if (ci > 0) {
        col.forEach(function (n) {
          var ys = nbr.get(n.id).map(function (id) { return byId.get(id); })
            .filter(function (m) { return m.lvl < n.lvl && typeof m.y === "number"; })
            .map(function (m) { return m.y; });
          n.bary = ys.length ? ys.reduce(function (a, b) { return a + b; }, 0) / ys.length : Infinity;
        });
        col.sort(function (a, b) { return (a.bary - b.bary) || (a.order - b.order); });
      }
      // columns of at most maxRows boxes and maxH pixels (a view fitted to its pane gives both)
      var chunks = [], cur = [], h = 0, maxRows = spec.maxRows || MAX_ROWS, maxH = spec.maxH || Infinity;
      col.forEach(function (n) {
        if (cur.length && (cur.length >= maxRows || h + n.h > maxH)) { chunks.push(cur); cur = []; h = 0; }
        cur.push(n);
        h += n.h + VGAP;
      });
      if (cur.length) chunks.push(cur);
      chunks.forEach(function (chunk) {
        var w = Math.max.apply(null, chunk.map(function (n) { return n.w; }));
        var top = 0;
        chunk.forEach(function (n) {
          // as close to the neighbours' mean as the boxes above allow (a single chunk only)
          var want = chunks.length === 1 && isFinite(n.bary) ? n.bary : top + n.h / 2;
          n.y = Math.max(top + n.h / 2, want);
          n.x = x + w / 2;
          top = n.y + n.h / 2 + VGAP;
        });
        clamp(chunk, maxH);
        x += w + (spec.hgap || HGAP);
      });
    });
    // centre each node of the first columns on its later neighbours where the boxes above allow
    for (var ci = cols.length - 2; ci >= 0; ci--) {
      var col = cols[ci].slice().sort(function (a, b) { return (a.x - b.x) || (a.y - b.y); });
      var byX = new Map();
      col.forEach(function (n) { if (!byX.has(n.x)) byX.set(n.x, []); byX.get(n.x).push(n); });
      byX.forEach(function (list) {
        if (list.length > (spec.maxRows || MAX_ROWS)) return;
        var top = -Infinity;
        list.forEach(function (n) {
          var ys = nbr.get(n.id).map(function (id) { return byId.get(id); })
            .filter(function (m) { return m.lvl > n.lvl; }).map(function (m) { return m.y; });
          var want = ys.length ? (Math.min.apply(null, ys) + Math.max.apply(null, ys)) / 2 : n.y;
          n.y = Math.max(top + n.h / 2, want);
          top = n.y + n.h / 2 + VGAP;
        });
        clamp(list, spec.maxH || Infinity);
      });
    }
    return spec;
  };
  /* a column (top to bottom, not overlapping) moved up where it passes maxH: still not overlapping */
  function clamp(list, maxH) {
    if (!isFinite(maxH)) return;
    var bottom = Math.max(maxH, list.reduce(function (a, n) { return a + n.h + VGAP; }, -VGAP));
    for (var k = list.length - 1; k >= 0; k--) {
      var n = list[k];
      if (n.y + n.h / 2 > bottom) n.y = bottom - n.h / 2;
      bottom = n.y - n.h / 2 - VGAP;
    }
  }
})(window.kgExplorer);
