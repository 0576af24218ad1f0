/* villegraph network page: draws the data block with vis-network and wires the controls.
   Text from the data only ever reaches the page through textContent, option.text or the
   vis-network canvas and its text-only tooltips; links are checked before use. */
(function () {
  "use strict";

  var TEXT = {
    fr: {
      search: "Rechercher", go: "Chercher", theme: "Thème", language: "Langue", legend: "Légende",
      allThemes: "(tous les thèmes)", noMatch: "Aucun résultat", kind: "Type", iri: "IRI",
      degree: "Degré", betweenness: "Intermédiarité", community: "Communauté",
      bridge: "Pont entre thèmes", page: "Page de la ressource", focus: "Centrer le réseau ici",
      neighbours: "Voisins", visible: "nœuds affichés", doubts: "Doutes",
      notice: "{shown} nœuds affichés sur {total} : {left} laissés de côté (les moins centraux) — ",
      edgeNotice: "{shown} liens affichés sur {total} (les plus forts)",
      noticeHow: "La recherche trouve aussi les nœuds laissés de côté et ouvre leur voisinage.",
      close: "Fermer", own: "travail propre (son intervention)",
      context: "contexte de séance (sujet d'une séance où la personne intervient)",
      levels: "Liens personne → thème", measures: "Place dans le réseau",
      linksWord: "{n} liens dans ce réseau",
      rankWord: "relie des parties du réseau : rang {rank} sur {total} (intermédiarité)",
      ownShort: "travail propre", contextShort: "contexte de séance",
      peripheral: "en périphérie : aucun plus court chemin ne passe par ce nœud",
      groupWord: "même groupe de nœuds très liés entre eux que : {names}",
      bridgeWord: "ses thèmes relèvent de plusieurs familles de thèmes",
      notDrawn: "« {label} » ({kind}) n'est pas dessiné ici.",
      openFocus: "Ouvrir son voisinage", openPage: "Ouvrir sa page",
      namesakes: "même nom : {n} autre(s) —",
      cluster: "groupe de {n} nœuds très liés entre eux : {names}", back: "Vue d'ensemble",
      overviewNotice: "Vue d'ensemble : {k} groupes de nœuds très liés entre eux (communautés de Louvain), nommés par leurs thèmes dominants, de taille proportionnelle à leurs membres. Cliquez un groupe pour l'ouvrir ; la recherche et la vue en liste couvrent tous les nœuds.", list: "Vue en liste", hideList: "Masquer la liste", nodesTable: "Nœuds",
      linksTable: "Liens", name: "Nom", links: "Liens", from: "De", relation: "Relation",
      to: "Vers", level: "Niveau", sortBy: "Trier par", truncated: "{shown} premières lignes sur {total}"
    },
    en: {
      search: "Search", go: "Go", theme: "Theme", language: "Language", legend: "Legend",
      allThemes: "(all themes)", noMatch: "No match", kind: "Kind", iri: "IRI",
      degree: "Degree", betweenness: "Betweenness", community: "Community",
      bridge: "Theme bridge", page: "Resource page", focus: "Centre the network here",
      neighbours: "Neighbours", visible: "nodes shown", doubts: "Doubts",
      notice: "{shown} of {total} nodes shown: {left} left out (the least central) — ",
      edgeNotice: "{shown} of {total} links shown (the strongest)",
      noticeHow: "Search also finds the nodes left out and opens their neighbourhood.",
      close: "Close", own: "own work (their talk)",
      context: "session context (subject of a session they speak in)",
      levels: "Person → theme links", measures: "Place in the network",
      linksWord: "{n} links in this network",
      rankWord: "connects parts of the network: rank {rank} of {total} (betweenness)",
      ownShort: "own work", contextShort: "session context",
      peripheral: "peripheral: no shortest path passes through this node",
      groupWord: "same group of closely linked nodes as: {names}",
      bridgeWord: "their themes belong to several families of themes",
      notDrawn: "\u201c{label}\u201d ({kind}) is not drawn here.",
      openFocus: "Open its neighbourhood", openPage: "Open its page",
      namesakes: "same name: {n} other(s) —",
      cluster: "group of {n} closely linked nodes: {names}", back: "Overview",
      overviewNotice: "Overview: {k} groups of closely linked nodes (Louvain communities), named by their dominant themes, sized by their members. Click a group to open it; search and the list view cover every node.", list: "List view", hideList: "Hide the list", nodesTable: "Nodes",
      linksTable: "Links", name: "Name", links: "Links", from: "From", relation: "Relation",
      to: "To", level: "Level", sortBy: "Sort by", truncated: "first {shown} rows of {total}"
    }
  };

  var GLYPHS = {
    dot: "\u25cf", square: "\u25a0", diamond: "\u25c6", triangle: "\u25b2",
    hexagon: "\u2b22", star: "\u2605", triangleDown: "\u25bc"
  };

  var data = JSON.parse(document.getElementById("vg-data").textContent);
  var lang = data.lang === "en" ? "en" : "fr";
  var byId = {};
  var kindOf = {};
  var adjacency = {};
  var hiddenKinds = {};
  var selectedTheme = null;

  data.kinds.forEach(function (k) { kindOf[k.key] = k; });
  data.nodes.forEach(function (n) { byId[n.id] = n; adjacency[n.id] = []; });
  data.edges.forEach(function (e) {
    adjacency[e.from].push({ other: e.to, edge: e, out: true });
    adjacency[e.to].push({ other: e.from, edge: e, out: false });
  });

  function t(key) { return TEXT[lang][key]; }
  function nodeLabel(n) { return lang === "en" ? n.le : n.lf; }
  function edgeLabel(e) { return lang === "en" ? e.le : e.lf; }
  function kindLabel(key) { var k = kindOf[key]; return k ? k[lang] : key; }
  function canvasLabel(n) {
    var text = nodeLabel(n);
    return text.length > 48 ? text.slice(0, 47) + "\u2026" : text;
  }
  function tooltip(n) { return nodeLabel(n) + "\n" + kindLabel(n.kind) + "\n" + n.iri; }

  function safeHref(href) {
    if (typeof href !== "string") { return null; }
    return /^(https?:\/\/[^\s]+|\/(?!\/)[^\s]*)$/.test(href) ? href : null;
  }

  /* With an overview, the members of every cluster start hidden (as applyFilters would make
     them): hiding 5,000 nodes and 20,000 links by updates after the network is built took
     longer than building it. */
  var clusters = data.clusters || [];
  var clusterMode = clusters.length > 0;
  data.nodes.forEach(function (n) { n.hidden = clusterMode && n.com !== null; });
  data.edges.forEach(function (e) { e.hidden = byId[e.from].hidden || byId[e.to].hidden; });
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    return { id: n.id, label: canvasLabel(n), title: tooltip(n), group: n.kind, size: n.size,
             x: n.x, y: n.y, hidden: n.hidden };
  }));
  function edgeTitle(e) {
    return edgeLabel(e) + (e.lvl ? " \u2014 " + t(e.lvl) : "");
  }
  var LEVEL_STYLE = { own: { color: "#3d3d3d", width: 2 }, context: { color: "#767676", width: 1 } };
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    var item = { id: i, from: e.from, to: e.to, title: edgeTitle(e), hidden: e.hidden };
    if (e.lvl) {
      item.dashes = e.lvl === "context" ? [6, 4] : false;
      item.color = { color: LEVEL_STYLE[e.lvl].color, inherit: false };
      item.width = LEVEL_STYLE[e.lvl].width;
    } else if (e.w) { item.value = e.w; }
    return item;
  }));

  /* ---- overview: communities as labelled clusters, opened by a click ---- */
  var openCom = null;
  var clustersClosed = false;  // the clusters are drawn (the overview) until one is opened
  var clusterById = {};
  clusters.forEach(function (c) {
    clusterById[c.id] = c;
    nodes.add({ id: c.id, label: canvasLabel(c), title: clusterTitle(c), group: "cluster",
                size: c.size, x: c.x, y: c.y, hidden: false });
  });
  (data.clusterEdges || []).forEach(function (e, i) {
    edges.add({ id: "ce" + i, from: e.from, to: e.to, value: e.w, hidden: false,
                title: String(e.w) });
  });
  function clusterTitle(c) {
    return t("cluster").replace("{n}", c.n).replace("{names}", nodeLabel(c));
  }
  function isCluster(id) { return typeof id === "string" && id.charAt(0) === "c"; }

  var container = document.getElementById("vg-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.network = network;
  window.vgNodes = nodes;
  window.vgEdges = edges;

  /* ---- edge labels: only for the links of the hovered or selected node, or a hovered link ---- */
  var labelledEdges = [];
  function showEdgeLabels(ids) {
    ids = ids.filter(function (id) { return typeof id === "number"; });  // not cluster links
    var updates = labelledEdges.filter(function (id) { return ids.indexOf(id) < 0; })
      .map(function (id) { return { id: id, label: undefined }; });
    ids.forEach(function (id) { updates.push({ id: id, label: edgeLabel(data.edges[id]) }); });
    labelledEdges = ids;
    if (updates.length) { edges.update(updates); }
  }
  var EDGE_LABELS_MAX = 8;
  /* The labels of a node's links, when they are few enough to read (else hover one link). */
  function edgesOf(id) {
    if (isCluster(id)) { return []; }
    var ids = network.getConnectedEdges(id).filter(function (e) {
      return typeof e === "number" && !data.edges[e].hidden;
    });
    return ids.length <= EDGE_LABELS_MAX ? ids : [];
  }
  function selectedEdgeLabels() {
    var selected = network.getSelectedNodes();
    showEdgeLabels(selected.length ? edgesOf(selected[0]) : []);
  }
  network.on("hoverNode", function (params) { showEdgeLabels(edgesOf(params.node)); });
  network.on("blurNode", selectedEdgeLabels);
  network.on("hoverEdge", function (params) { showEdgeLabels([params.edge]); });
  network.on("blurEdge", selectedEdgeLabels);
  network.on("deselectNode", selectedEdgeLabels);
  window.vgEdgeLabels = function () { return labelledEdges.slice(); };

  /* ---- node labels placed to avoid overlap ----
     A label sits below its node (vis-network's place: top at y + size + 3), else above it
     (font.vadjust), else it is left out of the drawing (the tooltip, the details panel and the
     list view still give it). Nodes are placed by priority: the focus, then the largest. */
  var FONT_SIZE = 14;
  var LINE = Math.round(FONT_SIZE * 1.2);
  var measurer = document.createElement("canvas").getContext("2d");
  measurer.font = FONT_SIZE + "px sans-serif";
  /* Every node is created with its label below it (vis-network's place), so that only labels
     that move are updated: each update of the data set costs a pass over every node. */
  var labelState = {};
  data.nodes.forEach(function (n) { labelState[n.id] = "below"; });
  clusters.forEach(function (c) { labelState[c.id] = "below"; });
  var CLUSTER_SCALE = 20 / FONT_SIZE;  // cluster labels are drawn at 20px
  function labelWidth(n) {
    return measurer.measureText(canvasLabel(n)).width * (isCluster(n.id) ? CLUSTER_SCALE : 1);
  }
  function lineOf(n) { return isCluster(n.id) ? LINE * CLUSTER_SCALE : LINE; }
  function boxAt(n, pos, place) {
    var w = labelWidth(n);
    var top = place === "below" ? pos.y + n.size + 3 : pos.y - n.size - 3 - lineOf(n);
    return { x1: pos.x - w / 2, x2: pos.x + w / 2, y1: top, y2: top + lineOf(n) };
  }
  function overlaps(a, b) { return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2; }
  function Grid(cell) { this.cell = cell; this.cells = {}; }
  Grid.prototype.keys = function (b) {
    var out = [];
    for (var gx = Math.floor(b.x1 / this.cell); gx <= Math.floor(b.x2 / this.cell); gx += 1) {
      for (var gy = Math.floor(b.y1 / this.cell); gy <= Math.floor(b.y2 / this.cell); gy += 1) {
        out.push(gx + ":" + gy);
      }
    }
    return out;
  };
  Grid.prototype.hits = function (b) {
    var cells = this.cells;
    return this.keys(b).some(function (k) {
      return (cells[k] || []).some(function (other) { return overlaps(b, other); });
    });
  };
  Grid.prototype.add = function (b) {
    var cells = this.cells;
    this.keys(b).forEach(function (k) { (cells[k] = cells[k] || []).push(b); });
  };
  function labelled() {
    var shown = data.nodes.filter(function (n) { return !n.hidden; });
    return clusterMode && openCom === null ? shown.concat(clusters) : shown;
  }
  function placeLabels() {
    var positions = network.getPositions();
    var order = labelled().sort(function (a, b) {
      if (a.id === data.focus) { return -1; }
      if (b.id === data.focus) { return 1; }
      return b.size - a.size || a.id - b.id;
    });
    var grid = new Grid(120);
    var updates = [];
    order.forEach(function (n) {
      var pos = positions[n.id];
      if (!pos) { return; }  // hidden by vis-network: placed when shown
      var place = null;
      ["below", "above"].some(function (candidate) {
        var box = boxAt(n, pos, candidate);
        if (!grid.hits(box)) { grid.add(box); place = candidate; return true; }
        return false;
      });
      var before = labelState[n.id];
      labelState[n.id] = place;
      if (before !== place) {
        updates.push({
          id: n.id, label: place ? canvasLabel(n) : undefined,
          font: { vadjust: place === "above" ? -(2 * n.size + 6 + lineOf(n)) : 0 }
        });
      }
    });
    if (updates.length) { nodes.update(updates); }
    document.body.setAttribute("data-labels-placed", "true");
  }
  /* Share of drawn node labels whose box overlaps another drawn label, from the nodes'
     positions and the labels' text metrics (the figure the page is tested and measured on). */
  window.villegraphLabelOverlap = function () {
    var positions = network.getPositions();
    var boxes = [];
    labelled().forEach(function (n) {
      var place = labelState[n.id];
      if (place === null || !positions[n.id]) { return; }
      boxes.push(boxAt(n, positions[n.id], place || "below"));
    });
    var grid = new Grid(120);
    boxes.forEach(function (b) { grid.add(b); });
    var overlapping = boxes.filter(function (b) {
      return grid.keys(b).some(function (k) {
        return grid.cells[k].some(function (other) { return other !== b && overlaps(b, other); });
      });
    }).length;
    return { drawn: boxes.length, overlapping: overlapping,
             share: boxes.length ? overlapping / boxes.length : 0 };
  };
  window.villegraphPlaceLabels = placeLabels;

  network.once("afterDrawing", function () {
    window.vgDrawnAt = performance.now();
    document.body.setAttribute("data-drawn", "true");
  });
  if (data.physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      placeLabels();
      network.fit({ animation: false });
      document.body.setAttribute("data-stabilised", "true");
    });
  }

  /* ---- static texts, language ---- */
  function applyTexts() {
    document.documentElement.lang = lang;
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (el) {
      el.textContent = t(el.getAttribute("data-i18n"));
    });
    document.getElementById("vg-lang").value = lang;
    var notice = document.getElementById("vg-notice");
    if (clusterMode) {
      notice.textContent = t("overviewNotice").replace("{k}", clusters.length);
      notice.hidden = false;
    }
    if (data.notice) {
      var parts = Object.keys(data.notice.leftOut).map(function (k) {
        return kindLabel(k) + " " + data.notice.leftOut[k];
      });
      var left = Object.keys(data.notice.leftOut).reduce(function (s, k) {
        return s + data.notice.leftOut[k];
      }, 0);
      var text = "";
      if (left) {
        text = t("notice").replace("{shown}", data.notice.shown)
          .replace("{total}", data.notice.total).replace("{left}", left) + parts.join(", ");
      }
      if (data.notice.edgesShown < data.notice.edgesTotal) {
        text += (text ? ". " : "") + t("edgeNotice").replace("{shown}", data.notice.edgesShown)
          .replace("{total}", data.notice.edgesTotal);
      }
      text += left ? ". " + t("noticeHow") : "";
      notice.textContent = clusterMode ? notice.textContent + " " + text : text;
      notice.hidden = false;
    }
  }

  function setLanguage(next) {
    lang = next === "en" ? "en" : "fr";
    nodes.update(data.nodes.map(function (n) { return { id: n.id, title: tooltip(n) }; }));
    nodes.update(clusters.map(function (c) { return { id: c.id, title: clusterTitle(c) }; }));
    labelState = {};
    placeLabels();
    edges.update(data.edges.map(function (e, i) { return { id: i, title: edgeTitle(e) }; }));
    showEdgeLabels(labelledEdges.slice());
    applyTexts();
    buildLegend();
    buildThemes();
    document.getElementById("vg-list-toggle").textContent = t(listShown ? "hideList" : "list");
    if (listShown) { buildList(); }
    var selected = network.getSelectedNodes();
    if (selected.length) { showDetails(selected[0]); }
  }

  /* ---- legend and kind filter ---- */
  function buildLegend() {
    var list = document.getElementById("vg-legend-list");
    while (list.firstChild) { list.removeChild(list.firstChild); }
    data.kinds.forEach(function (k) {
      var item = document.createElement("li");
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.checked = !hiddenKinds[k.key];
      box.setAttribute("data-kind", k.key);
      box.addEventListener("change", function () {
        hiddenKinds[k.key] = !box.checked;
        applyFilters();
      });
      var swatch = document.createElement("span");
      swatch.className = "vg-swatch";
      swatch.setAttribute("aria-hidden", "true");
      swatch.style.color = k.color;
      swatch.textContent = GLYPHS[k.shape] || "\u25cf";
      var name = document.createElement("span");
      name.textContent = k[lang] + " (" + k.count + ")";
      label.appendChild(box);
      label.appendChild(swatch);
      label.appendChild(name);
      item.appendChild(label);
      list.appendChild(item);
    });
    var levels = document.getElementById("vg-levels");
    while (levels.firstChild) { levels.removeChild(levels.firstChild); }
    if (data.levels && data.levels.length) {
      var title = document.createElement("h3");
      title.textContent = t("levels");
      levels.appendChild(title);
      var ul = document.createElement("ul");
      data.levels.forEach(function (level) {
        var li = document.createElement("li");
        li.setAttribute("data-level", level);
        var line = document.createElement("span");
        line.className = "vg-line vg-line-" + level;
        line.setAttribute("aria-hidden", "true");
        var name = document.createElement("span");
        name.textContent = t(level);
        li.appendChild(line);
        li.appendChild(name);
        ul.appendChild(li);
      });
      levels.appendChild(ul);
    }
  }

  /* ---- theme filter: the theme, its narrower themes, and non-theme nodes within 2 links ---- */
  function themeSet(themeId) {
    var keep = {};
    var stack = [themeId];
    keep[themeId] = true;
    while (stack.length) {
      var current = stack.pop();
      adjacency[current].forEach(function (a) {
        if (a.edge.rel === "broader" && !a.out && !keep[a.other]) {
          keep[a.other] = true;
          stack.push(a.other);
        }
      });
    }
    var level = Object.keys(keep).map(Number);
    for (var depth = 0; depth < 2; depth += 1) {
      var next = [];
      level.forEach(function (id) {
        adjacency[id].forEach(function (a) {
          if (!keep[a.other] && byId[a.other].kind !== "theme") {
            keep[a.other] = true;
            next.push(a.other);
          }
        });
      });
      level = next;
    }
    return keep;
  }

  function buildThemes() {
    var select = document.getElementById("vg-theme");
    while (select.firstChild) { select.removeChild(select.firstChild); }
    var all = document.createElement("option");
    all.value = "";
    all.text = t("allThemes");
    select.appendChild(all);
    data.nodes.filter(function (n) { return n.kind === "theme"; })
      .sort(function (a, b) { return nodeLabel(a).localeCompare(nodeLabel(b), lang); })
      .forEach(function (n) {
        var option = document.createElement("option");
        option.value = String(n.id);
        option.text = nodeLabel(n);
        select.appendChild(option);
      });
    select.value = selectedTheme === null ? "" : String(selectedTheme);
  }

  function applyFilters() {
    var inTheme = selectedTheme === null ? null : themeSet(selectedTheme);
    var nodeUpdates = [];
    var visible = 0;
    data.nodes.forEach(function (n) {
      n.filtered = Boolean(hiddenKinds[n.kind]) || (inTheme !== null && !inTheme[n.id]);
      if (!n.filtered) { visible += 1; }
      var hidden = n.filtered || (clusterMode && n.com !== openCom);
      if (Boolean(n.hidden) !== hidden) {
        n.hidden = hidden;
        nodeUpdates.push({ id: n.id, hidden: hidden });
      }
    });
    if (nodeUpdates.length) { nodes.update(nodeUpdates); }
    var edgeUpdates = [];
    data.edges.forEach(function (e, i) {
      var hidden = Boolean(byId[e.from].hidden || byId[e.to].hidden);
      if (Boolean(e.hidden) !== hidden) {
        e.hidden = hidden;
        edgeUpdates.push({ id: i, hidden: hidden });
      }
    });
    if (edgeUpdates.length) { edges.update(edgeUpdates); }
    if (clusterMode) {
      var closed = openCom !== null;
      if (closed !== clustersClosed) {
        clustersClosed = closed;
        nodes.update(clusters.map(function (c) { return { id: c.id, hidden: closed }; }));
        edges.update((data.clusterEdges || []).map(function (e, i) {
          return { id: "ce" + i, hidden: closed };
        }));
      }
      document.getElementById("vg-overview").hidden = !closed;
    }
    if (document.body.getAttribute("data-labels-placed") === "true") { placeLabels(); }
    if (listShown) { buildList(); }
    var counter = document.getElementById("vg-visible");
    counter.textContent = visible + " / " + data.nodes.length + " " + t("visible");
    counter.setAttribute("data-visible", String(visible));
  }

  /* ---- details panel ---- */
  function addRow(list, term, value) {
    if (value === null || value === undefined) { return; }
    var dt = document.createElement("dt");
    dt.textContent = term;
    var dd = document.createElement("dd");
    dd.textContent = String(value);
    list.appendChild(dt);
    list.appendChild(dd);
  }

  function showDetails(id) {
    var n = byId[id];
    var panel = document.getElementById("vg-details");
    while (panel.firstChild) { panel.removeChild(panel.firstChild); }
    if (!n) { panel.hidden = true; return; }
    var heading = document.createElement("h2");
    heading.id = "vg-details-label";
    heading.textContent = nodeLabel(n);
    panel.appendChild(heading);
    var summary = lang === "en" ? (n.se || n.sf) : (n.sf || n.se);
    var line = document.createElement("p");
    line.id = "vg-details-summary";
    line.textContent = kindLabel(n.kind) + (summary ? " \u2014 " + summary : "");
    panel.appendChild(line);
    var list = document.createElement("dl");
    addRow(list, t("doubts"), lang === "en" ? (n.de || n.df) : (n.df || n.de));
    addRow(list, t("iri"), n.iri);
    panel.appendChild(list);
    panel.appendChild(measures(n));
    var actions = document.createElement("p");
    actions.className = "vg-actions";
    var href = safeHref(n.href);
    if (href) {
      var link = document.createElement("a");
      link.id = "vg-details-link";
      link.href = href;
      link.textContent = t("page");
      actions.appendChild(link);
    }
    var graphPath = safeHref(data.graphPath);
    if (graphPath) {
      var focus = document.createElement("a");
      focus.id = "vg-details-focus";
      focus.href = graphPath + "?focus=" + encodeURIComponent(n.iri) + "&depth=1&lang=" + lang;
      focus.textContent = t("focus");
      actions.appendChild(focus);
    }
    panel.appendChild(actions);
    var neighbours = adjacency[id].slice(0, 30);
    if (neighbours.length) {
      var title = document.createElement("h3");
      title.textContent = t("neighbours");
      panel.appendChild(title);
      var ul = document.createElement("ul");
      neighbours.forEach(function (a) {
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "vg-link";
        button.textContent = nodeLabel(byId[a.other]);
        button.addEventListener("click", function () { select(a.other); });
        var rel = document.createElement("span");
        rel.textContent = " (" + edgeLabel(a.edge) +
          (a.edge.lvl ? ", " + t(a.edge.lvl + "Short") : "") + ")";
        li.appendChild(button);
        li.appendChild(rel);
        ul.appendChild(li);
      });
      panel.appendChild(ul);
    }
    panel.hidden = false;
  }

  /* The node's metrics in words, folded: links, rank by betweenness, its group's members. */
  function measures(n) {
    var box = document.createElement("details");
    box.id = "vg-details-measures";
    var summary = document.createElement("summary");
    summary.textContent = t("measures");
    box.appendChild(summary);
    var ul = document.createElement("ul");
    function add(text) {
      var li = document.createElement("li");
      li.textContent = text;
      ul.appendChild(li);
    }
    add(t("linksWord").replace("{n}", n.deg));
    var ranked = data.nodes.filter(function (m) { return m.rank; }).length;
    if (n.rank) {
      add(t("rankWord").replace("{rank}", n.rank).replace("{total}", data.nodes.length));
    } else if (n.btw !== null && n.btw !== undefined && ranked) {
      add(t("peripheral"));
    }
    if (n.com !== null && n.com !== undefined) {
      var group = data.nodes.filter(function (m) { return m.com === n.com && m.id !== n.id; })
        .sort(function (a, b) { return b.size - a.size; }).slice(0, 3).map(nodeLabel);
      if (group.length) { add(t("groupWord").replace("{names}", group.join(", "))); }
    }
    if (n.bridge) { add(t("bridgeWord")); }
    box.appendChild(ul);
    return box;
  }

  /* An opened cluster is drawn as a small network of its own: its members at their cluster
     layout (cx, cy in [-1, 1]) stretched to the window, sized for that many nodes in that
     space (larger for more links inside the cluster, cw), so that fitting it shows labels at
     their reading size instead of a corner of the whole network zoomed until labels vanish. */
  var CLUSTER_MARGIN = 40;
  function layOutCluster(com) {
    var members = data.nodes.filter(function (n) { return n.com === com && n.cx !== undefined; });
    if (!members.length) { return; }
    var halfW = Math.max(container.clientWidth / 2 - CLUSTER_MARGIN, 60);
    var halfH = Math.max(container.clientHeight / 2 - CLUSTER_MARGIN, 60);
    var room = Math.sqrt((4 * halfW * halfH) / members.length);  // side of each node's share
    var base = Math.max(3, Math.min(12, room / 6));
    nodes.update(members.map(function (n) {
      n.size = Math.round(base * (1 + 1.5 * Math.sqrt(n.cw)) * 10) / 10;
      return { id: n.id, x: n.cx * halfW, y: n.cy * halfH, size: n.size };
    }));
    members.forEach(function (n) { delete labelState[n.id]; });  // placed again, new boxes
  }

  function openCluster(com) {
    openCom = com;
    if (com !== null) { layOutCluster(com); }
    applyFilters();
    var shown = data.nodes.filter(function (n) { return !n.hidden; }).map(function (n) { return n.id; });
    network.fit({ nodes: shown, animation: false });
    document.body.setAttribute("data-open-cluster", com === null ? "" : String(com));
  }
  window.vgOpenCluster = openCluster;

  function select(id) {
    var n = byId[id];
    if (clusterMode && n && n.com !== openCom) { openCluster(n.com); }
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: false });
    showDetails(id);
    selectedEdgeLabels();
  }

  network.on("click", function (params) {
    if (params.nodes.length && isCluster(params.nodes[0])) {
      openCluster(clusterById[params.nodes[0]].com);
      return;
    }
    if (params.nodes.length) { showDetails(params.nodes[0]); }
    selectedEdgeLabels();
  });

  /* ---- list view: the same selection as sortable tables (the text alternative) ---- */
  var listShown = false;
  var LIST_MAX = 2000;
  var sortState = { nodes: { key: "links", dir: -1 }, links: { key: "from", dir: 1 } };

  function table(id, which, columns, rows) {
    var tableEl = document.createElement("table");
    tableEl.id = id;
    var caption = document.createElement("caption");
    caption.textContent = t(which === "nodes" ? "nodesTable" : "linksTable") + " (" + rows.length + ")";
    tableEl.appendChild(caption);
    var head = document.createElement("tr");
    var state = sortState[which];
    columns.forEach(function (column) {
      var th = document.createElement("th");
      th.scope = "col";
      th.setAttribute("aria-sort", state.key === column.key ?
        (state.dir > 0 ? "ascending" : "descending") : "none");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = t(column.key);
      button.setAttribute("data-sort", column.key);
      button.addEventListener("click", function () {
        state.dir = state.key === column.key ? -state.dir : 1;
        state.key = column.key;
        buildList();
        var again = document.querySelector("#" + id + " button[data-sort='" + column.key + "']");
        if (again) { again.focus(); }
      });
      th.appendChild(button);
      head.appendChild(th);
    });
    var thead = document.createElement("thead");
    thead.appendChild(head);
    tableEl.appendChild(thead);
    var sorted = rows.slice().sort(function (a, b) {
      var x = a[state.key], y = b[state.key];
      var c = typeof x === "number" ? x - y : String(x).localeCompare(String(y), lang);
      return c * state.dir;
    });
    var body = document.createElement("tbody");
    sorted.slice(0, LIST_MAX).forEach(function (row) {
      var tr = document.createElement("tr");
      columns.forEach(function (column, i) {
        var cell = document.createElement(i === 0 ? "th" : "td");
        if (i === 0) { cell.scope = "row"; }
        if (column.node !== undefined) {
          var button = document.createElement("button");
          button.type = "button";
          button.className = "vg-link";
          button.textContent = row[column.key];
          button.addEventListener("click", function () { select(row[column.node]); });
          cell.appendChild(button);
        } else {
          cell.textContent = String(row[column.key]);
        }
        tr.appendChild(cell);
      });
      body.appendChild(tr);
    });
    tableEl.appendChild(body);
    if (rows.length > LIST_MAX) {
      var note = document.createElement("p");
      note.textContent = t("truncated").replace("{shown}", LIST_MAX).replace("{total}", rows.length);
      var wrap = document.createElement("div");
      wrap.appendChild(tableEl);
      wrap.appendChild(note);
      return wrap;
    }
    return tableEl;
  }

  function buildList() {
    var section = document.getElementById("vg-list");
    while (section.firstChild) { section.removeChild(section.firstChild); }
    var shownNodes = data.nodes.filter(function (n) { return !n.filtered; });
    var nodeRows = shownNodes.map(function (n) {
      return { name: nodeLabel(n), kind: kindLabel(n.kind), links: adjacency[n.id].length, id: n.id };
    });
    section.appendChild(table("vg-list-nodes", "nodes", [
      { key: "name", node: "id" }, { key: "kind" }, { key: "links" }
    ], nodeRows));
    var linkRows = data.edges.filter(function (e) {
      return !byId[e.from].filtered && !byId[e.to].filtered;
    }).map(function (e) {
      return { from: nodeLabel(byId[e.from]), relation: edgeLabel(e), to: nodeLabel(byId[e.to]),
               level: e.lvl ? t(e.lvl) : "", a: e.from, b: e.to };
    });
    section.appendChild(table("vg-list-links", "links", [
      { key: "from", node: "a" }, { key: "relation" }, { key: "to", node: "b" }, { key: "level" }
    ], linkRows));
  }

  function toggleList() {
    listShown = !listShown;
    var section = document.getElementById("vg-list");
    var button = document.getElementById("vg-list-toggle");
    if (listShown) { buildList(); }
    section.hidden = !listShown;
    button.setAttribute("aria-expanded", String(listShown));
    button.textContent = t(listShown ? "hideList" : "list");
  }
  document.getElementById("vg-list-toggle").addEventListener("click", toggleList);
  document.getElementById("vg-overview").addEventListener("click", function () {
    openCluster(null);
    network.unselectAll();
    network.fit({ animation: false });
  });
  window.vgToggleList = toggleList;

  /* ---- search ---- */
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function search(query) {
    var q = fold(query);
    var status = document.getElementById("vg-search-status");
    status.textContent = "";
    if (!q) { return null; }
    var best = null;
    var bestRank = 4;
    data.nodes.forEach(function (n) {
      if (n.filtered) { return; }
      [n.lf, n.le].forEach(function (label) {
        var l = fold(label);
        var rank = l === q ? 0 : l.indexOf(q) === 0 ? 1 : l.indexOf(q) >= 0 ? 2 : 4;
        if (fold(n.iri) === q) { rank = 0; }
        if (rank < bestRank) { bestRank = rank; best = n; }
      });
    });
    if (best === null || bestRank > 0) {
      var other = searchOthers(q);
      if (other && (best === null || other.rank < bestRank)) {
        showUndrawn(other.entry);
        showNamesakes(q, other.entry[0]);
        return other.entry[0];
      }
    }
    if (best === null) { status.textContent = t("noMatch"); return null; }
    select(best.id);
    showNamesakes(q, best.iri);
    return best.id;
  }

  /* Other nodes whose label is exactly the query (homonyms), drawn or not, offered after the
     first: a button selects a drawn one, a link opens one left out. */
  function showNamesakes(q, chosen) {
    var same = [];
    data.nodes.forEach(function (n) {
      if (!n.filtered && n.iri !== chosen && (fold(n.lf) === q || fold(n.le) === q)) {
        same.push({ iri: n.iri, id: n.id, kind: n.kind });
      }
    });
    (data.others || []).forEach(function (o) {
      if (o[0] !== chosen && (fold(o[1]) === q || fold(o[2]) === q)) {
        same.push({ iri: o[0], id: null, kind: o[3] });
      }
    });
    if (!same.length) { return; }
    var status = document.getElementById("vg-search-status");
    var more = document.createElement("span");
    more.id = "vg-search-more";
    more.textContent = " " + t("namesakes").replace("{n}", same.length) + " ";
    same.slice(0, 10).forEach(function (m, i) {
      var target;
      if (m.id !== null) {
        target = document.createElement("button");
        target.type = "button";
        target.className = "vg-link";
        target.addEventListener("click", function () { select(m.id); });
      } else {
        var graphPath = safeHref(data.graphPath);
        var href = graphPath ? graphPath + "?focus=" + encodeURIComponent(m.iri) + "&depth=1&lang=" + lang
          : safeHref(m.iri);
        if (!href) { return; }
        target = document.createElement("a");
        target.href = href;
      }
      target.setAttribute("data-iri", m.iri);
      target.textContent = String(i + 1) + " (" + kindLabel(m.kind) + ")";
      more.appendChild(target);
      more.appendChild(document.createTextNode(" "));
    });
    status.appendChild(more);
  }

  /* Nodes of the projection left out of the drawing: [iri, label fr, label en, kind]. */
  function searchOthers(q) {
    var found = null;
    (data.others || []).some(function (entry) {
      var rank = fold(entry[0]) === q ? 0 : 4;
      [entry[1], entry[2]].forEach(function (label) {
        var l = fold(label);
        var r = l === q ? 0 : l.indexOf(q) === 0 ? 1 : l.indexOf(q) >= 0 ? 2 : 4;
        if (r < rank) { rank = r; }
      });
      if (rank < 4 && (found === null || rank < found.rank)) { found = { entry: entry, rank: rank }; }
      return rank === 0;
    });
    return found;
  }

  function showUndrawn(entry) {
    var status = document.getElementById("vg-search-status");
    var label = lang === "en" ? entry[2] : entry[1];
    status.textContent = t("notDrawn").replace("{label}", label).replace("{kind}", kindLabel(entry[3])) + " ";
    var graphPath = safeHref(data.graphPath);
    var link = document.createElement("a");
    link.id = "vg-search-open";
    if (graphPath) {
      link.href = graphPath + "?focus=" + encodeURIComponent(entry[0]) + "&depth=1&lang=" + lang;
      link.textContent = t("openFocus");
    } else if (safeHref(entry[0])) {
      link.href = safeHref(entry[0]);
      link.textContent = t("openPage");
    } else { return; }
    status.appendChild(link);
  }
  window.vgSearch = search;

  document.getElementById("vg-search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    search(document.getElementById("vg-search").value);
  });
  document.getElementById("vg-theme").addEventListener("change", function (event) {
    var value = event.target.value;
    selectedTheme = value === "" ? null : Number(value);
    applyFilters();
  });
  document.getElementById("vg-lang").addEventListener("change", function (event) {
    setLanguage(event.target.value);
  });

  applyTexts();
  buildLegend();
  buildThemes();
  applyFilters();
  if (!data.physics) {
    placeLabels();
    document.body.setAttribute("data-stabilised", "true");
  }
  network.fit({ animation: false });
  if (data.focus !== null && data.focus !== undefined && byId[data.focus]) {
    select(data.focus);
  }
}());
