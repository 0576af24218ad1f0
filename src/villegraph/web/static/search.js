/* Suggestions under the header's search box, from /search.json; the box is a plain GET form
   and works without this script. Text from the data is only ever set with textContent. */
(function () {
  "use strict";
  var input = document.getElementById("search-q");
  var list = document.getElementById("search-suggestions");
  if (!input || !list || !window.fetch) { return; }
  var timer = null;
  var latest = 0;

  function hide() { list.hidden = true; list.textContent = ""; }

  function item(hit) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = hit.href || ("/search?q=" + encodeURIComponent(hit.label));
    a.textContent = hit.label;
    var kind = document.createElement("small");
    kind.textContent = " · " + hit.kind + (hit.matched ? " · " + hit.matched : "");
    a.appendChild(kind);
    li.setAttribute("role", "option");
    li.appendChild(a);
    return li;
  }

  function show(answer, ticket) {
    if (ticket !== latest) { return; }
    list.textContent = "";
    if (answer.results.length === 0) {
      var li = document.createElement("li");
      li.className = "none";
      li.textContent = answer.empty || "";
      list.appendChild(li);
    } else {
      answer.results.forEach(function (hit) { list.appendChild(item(hit)); });
      if (answer.more) {
        var all = document.createElement("li");
        var link = document.createElement("a");
        link.className = "more";
        link.href = "/search?q=" + encodeURIComponent(answer.query);
        link.textContent = answer.more;
        all.setAttribute("role", "option");
        all.appendChild(link);
        list.appendChild(all);
      }
    }
    list.hidden = false;
  }

  function ask() {
    var text = input.value.trim();
    if (text.length < 2) { hide(); return; }
    latest += 1;
    var ticket = latest;
    var url = input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(text) +
      "&lang=" + encodeURIComponent(input.getAttribute("data-lang") || "fr");
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) { if (answer) { show(answer, ticket); } })
      .catch(function () { hide(); });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { hide(); }
    if (event.key === "ArrowDown" && !list.hidden) {
      var first = list.querySelector("a");
      if (first) { event.preventDefault(); first.focus(); }
    }
  });
  list.addEventListener("keydown", function (event) {
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    var at = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < links.length - 1) { event.preventDefault(); links[at + 1].focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? links[at - 1] : input).focus(); }
    if (event.key === "Escape") { hide(); input.focus(); }
  });
  document.addEventListener("click", function (event) {
    if (!list.contains(event.target) && event.target !== input) { hide(); }
  });
})();
