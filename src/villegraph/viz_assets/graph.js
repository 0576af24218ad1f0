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
      close: "Fermer"
    },
    en: {
      search: "Search", go: "Go", theme: "Theme", language: "Language", legend: "Legend",
      allThemes: "(all themes)", noMatch: "No match", kind: "Kind", iri: "IRI",
      degree: "Degree", betweenness: "Betweenness", community: "Community",
      bridge: "Theme bridge", page: "Resource page", focus: "Centre the network here",
      neighbours: "Neighbours", visible: "nodes shown", doubts: "Doubts",
      notice: "{shown} of {total} nodes shown: {left} left out (the least central) — ",
      edgeNotice: "{shown} of {total} links shown (the strongest)",
      close: "Close"
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

  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    return { id: n.id, label: canvasLabel(n), title: tooltip(n), group: n.kind, size: n.size,
             x: n.x, y: n.y };
  }));
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    var item = { id: i, from: e.from, to: e.to, title: edgeLabel(e) };
    if (data.edgeLabels) { item.label = edgeLabel(e); }
    if (e.w) { item.value = e.w; }
    return item;
  }));

  var container = document.getElementById("vg-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.network = network;
  window.vgNodes = nodes;
  window.vgEdges = edges;

  network.once("afterDrawing", function () {
    window.vgDrawnAt = performance.now();
    document.body.setAttribute("data-drawn", "true");
  });
  if (data.physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      document.body.setAttribute("data-stabilised", "true");
    });
  } else {
    document.body.setAttribute("data-stabilised", "true");
  }

  /* ---- static texts, language ---- */
  function applyTexts() {
    document.documentElement.lang = lang;
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (el) {
      el.textContent = t(el.getAttribute("data-i18n"));
    });
    document.getElementById("vg-lang").value = lang;
    if (data.notice) {
      var notice = document.getElementById("vg-notice");
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
      notice.textContent = text;
      notice.hidden = false;
    }
  }

  function setLanguage(next) {
    lang = next === "en" ? "en" : "fr";
    nodes.update(data.nodes.map(function (n) {
      return { id: n.id, label: canvasLabel(n), title: tooltip(n) };
    }));
    edges.update(data.edges.map(function (e, i) {
      var item = { id: i, title: edgeLabel(e) };
      if (data.edgeLabels) { item.label = edgeLabel(e); }
      return item;
    }));
    applyTexts();
    buildLegend();
    buildThemes();
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
      var hidden = Boolean(hiddenKinds[n.kind]) || (inTheme !== null && !inTheme[n.id]);
      if (!hidden) { visible += 1; }
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
    var list = document.createElement("dl");
    addRow(list, t("kind"), kindLabel(n.kind));
    addRow(list, t("iri"), n.iri);
    addRow(list, t("degree"), n.deg);
    addRow(list, t("betweenness"), n.btw);
    addRow(list, t("community"), n.com);
    addRow(list, t("bridge"), n.bridge);
    addRow(list, t("doubts"), lang === "en" ? (n.de || n.df) : (n.df || n.de));
    panel.appendChild(list);
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
        rel.textContent = " (" + edgeLabel(a.edge) + ")";
        li.appendChild(button);
        li.appendChild(rel);
        ul.appendChild(li);
      });
      panel.appendChild(ul);
    }
    panel.hidden = false;
  }

  function select(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: false });
    showDetails(id);
  }

  network.on("click", function (params) {
    if (params.nodes.length) { showDetails(params.nodes[0]); }
  });

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
      if (n.hidden) { return; }
      [n.lf, n.le].forEach(function (label) {
        var l = fold(label);
        var rank = l === q ? 0 : l.indexOf(q) === 0 ? 1 : l.indexOf(q) >= 0 ? 2 : 4;
        if (fold(n.iri) === q) { rank = 0; }
        if (rank < bestRank) { bestRank = rank; best = n; }
      });
    });
    if (best === null) { status.textContent = t("noMatch"); return null; }
    select(best.id);
    return best.id;
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
  network.fit({ animation: false });
  if (data.focus !== null && data.focus !== undefined && byId[data.focus]) {
    select(data.focus);
  }
}());
