// Progressive enhancement only: every page is complete without it.
// Filters and sorts the HTML tables, and searches providers from the
// compact index at assets/search.json (substring match, so Chinese names
// work without word splitting). Every word it shows comes from the page
// (data-* attributes written from content/ui.json).
(function () {
  "use strict";
  var body = document.body;
  var root = body.getAttribute("data-root") || "";
  var home = body.getAttribute("data-home") || "";
  var en = body.getAttribute("data-lang") === "en";

  function norm(s) { return (s || "").toLowerCase().replace(/\s+/g, ""); }

  // format fills "%[1]d"-style slots, as Go's fmt does for the same strings.
  function format(s) {
    var args = arguments;
    return (s || "").replace(/%\[(\d)\][ds]/g, function (_, i) { return String(args[+i]); });
  }

  // Filtering: a form with data-filter-for="<table id>" and controls with
  // data-f="<row attribute>" ("q" searches each "|"-separated part of
  // data-q, as the home search does the index). The filters live in the
  // address (?cat=design&grade=A), so a filtered view can be shared; they
  // are read back on load.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-filter-for]"), function (form) {
    var table = document.getElementById(form.getAttribute("data-filter-for"));
    if (!table) return;
    form.hidden = false;
    var rows = Array.prototype.filter.call(table.tBodies[0].rows, function (r) { return !r.querySelector("td[colspan]"); });
    var controls = form.querySelectorAll("[data-f]");
    var count = form.querySelector("[data-count]");
    var empty = document.querySelector("[data-empty]");
    var box = table.closest(".scroll") || table;
    var params = new URLSearchParams(location.search);
    Array.prototype.forEach.call(controls, function (c) {
      var v = params.get(c.getAttribute("data-f"));
      if (v !== null) c.value = v;
    });
    function apply(write) {
      var shown = 0;
      var q = new URLSearchParams(location.search);
      Array.prototype.forEach.call(controls, function (c) {
        var f = c.getAttribute("data-f");
        if (c.value) q.set(f, c.value); else q.delete(f);
      });
      rows.forEach(function (r) {
        var ok = true;
        Array.prototype.forEach.call(controls, function (c) {
          var f = c.getAttribute("data-f"), v = c.value;
          if (!v) return;
          if (f === "q") ok = ok && (r.getAttribute("data-q") || "").split("|").some(function (part) { return norm(part).indexOf(norm(v)) >= 0; });
          else ok = ok && r.getAttribute("data-" + f) === v;
        });
        r.hidden = !ok;
        if (ok) shown++;
      });
      if (count) count.textContent = format(form.getAttribute("data-count-text"), shown, rows.length);
      if (empty) empty.hidden = shown > 0;
      box.hidden = shown === 0;
      if (write && window.history && history.replaceState) {
        var s = q.toString();
        history.replaceState(null, "", location.pathname + (s ? "?" + s : "") + location.hash);
      }
    }
    form.addEventListener("input", function () { apply(true); });
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply(false);
  });

  // Sorting: header buttons on tables with class "sortable".
  var gradeOrder = { A: 0, B: 1, C: 2, D: 3, E: 4, unrated: 5, cleared: 6 };
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "sort";
      b.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(b);
      b.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var type = th.getAttribute("data-type");
        var tb = table.tBodies[0];
        var rows = Array.prototype.slice.call(tb.rows);
        function key(r) {
          var c = r.cells[col], v = c.getAttribute("data-v") || c.textContent.trim();
          if (type === "num") return v === "" ? -1 : parseFloat(v);
          if (type === "grade") return gradeOrder[v] !== undefined ? gradeOrder[v] : 9;
          return v;
        }
        rows.sort(function (x, y) {
          var a = key(x), b2 = key(y);
          var d = typeof a === "number" ? a - b2 : String(a).localeCompare(String(b2), en ? "en" : "zh-Hans-CN");
          return asc ? d : -d;
        });
        rows.forEach(function (r) { tb.appendChild(r); });
      });
    });
  });

  // Search on the home page: live results from the index
  // [id, page, name, English name, category, grade, score, status]; when
  // more match than are shown, a link to all of them on the providers list.
  var input = document.querySelector("input[data-search]");
  var list = document.querySelector("[data-results]");
  var most = 20;
  if (input && list && window.fetch) {
    var index = null;
    var label = function (k) { return list.getAttribute("data-" + k) || ""; };
    function show() {
      var q = norm(input.value);
      list.textContent = "";
      if (!q || !index) return;
      var hits = index.filter(function (p) {
        return norm(p[0]).indexOf(q) >= 0 || norm(p[2]).indexOf(q) >= 0 || norm(p[3]).indexOf(q) >= 0;
      });
      if (!hits.length) {
        var li = document.createElement("li");
        li.textContent = label("none");
        list.appendChild(li);
        return;
      }
      hits.slice(0, most).forEach(function (p) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = home + "providers/" + p[1] + "/";
        // Names and ids are the export's text: each is isolated, so that
        // a right-to-left mark in a name cannot reorder the id after it.
        var name = document.createElement("bdi"), id = document.createElement("bdi");
        name.textContent = en && p[3] ? p[3] : p[2];
        id.textContent = p[0];
        a.append(name, " (", id, ")");
        li.appendChild(a);
        var g = p[5] === "unrated" || p[5] === "cleared" ? label("grade-" + p[5]) : p[5] + " " + p[6];
        if (p[7] && p[7] !== "active" && p[5] !== "cleared") g += " · " + label("status-" + p[7]);
        li.appendChild(document.createTextNode(" · " + g));
        list.appendChild(li);
      });
      if (hits.length > most) {
        var more = document.createElement("li");
        var all = document.createElement("a");
        all.href = home + "providers/?q=" + encodeURIComponent(input.value.trim());
        all.setAttribute("data-all-link", "");
        all.textContent = format(label("all"), hits.length);
        more.appendChild(all);
        list.appendChild(more);
      }
    }
    input.addEventListener("input", function () {
      if (index) return show();
      fetch(root + "assets/search.json").then(function (r) { return r.json(); }).then(function (d) { index = d; show(); });
    });
  }
})();
