// Progressive enhancement only: every page is complete without it.
// Filters and sorts the HTML tables, and searches providers from the
// compact index at assets/search.json (substring match, so Chinese names
// work without word splitting).
(function () {
  "use strict";
  var body = document.body;
  var root = body.getAttribute("data-root") || "";
  var home = body.getAttribute("data-home") || "";
  var en = body.getAttribute("data-lang") === "en";

  function norm(s) { return (s || "").toLowerCase().replace(/\s+/g, ""); }

  // Filtering: a form with data-filter-for="<table id>" and controls with
  // data-f="<row attribute>" ("q" searches data-q).
  Array.prototype.forEach.call(document.querySelectorAll("form[data-filter-for]"), function (form) {
    var table = document.getElementById(form.getAttribute("data-filter-for"));
    if (!table) return;
    form.hidden = false;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var controls = form.querySelectorAll("[data-f]");
    var count = form.querySelector("[data-count]");
    var params = new URLSearchParams(location.search);
    Array.prototype.forEach.call(controls, function (c) {
      var v = params.get(c.getAttribute("data-f"));
      if (v !== null) c.value = v;
    });
    function apply() {
      var shown = 0;
      rows.forEach(function (r) {
        var ok = true;
        Array.prototype.forEach.call(controls, function (c) {
          var f = c.getAttribute("data-f"), v = c.value;
          if (!v) return;
          if (f === "q") ok = ok && norm(r.getAttribute("data-q")).indexOf(norm(v)) >= 0;
          else ok = ok && r.getAttribute("data-" + f) === v;
        });
        r.hidden = !ok;
        if (ok) shown++;
      });
      if (count) count.textContent = en ? ("Showing " + shown + " of " + rows.length) : ("显示 " + shown + " / 共 " + rows.length);
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply();
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

  // Search on the home page: live results from the index.
  var input = document.querySelector("input[data-search]");
  var list = document.querySelector("[data-results]");
  if (input && list && window.fetch) {
    var index = null;
    function show() {
      var q = norm(input.value);
      list.textContent = "";
      if (!q || !index) return;
      var hits = index.filter(function (p) {
        return norm(p[0]).indexOf(q) >= 0 || norm(p[2]).indexOf(q) >= 0 || norm(p[3]).indexOf(q) >= 0;
      }).slice(0, 20);
      if (!hits.length) {
        var li = document.createElement("li");
        li.textContent = en ? "No provider matches." : "没有找到匹配的服务商。";
        list.appendChild(li);
        return;
      }
      hits.forEach(function (p) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = home + "providers/" + p[1] + "/";
        a.textContent = (en && p[3] ? p[3] : p[2]) + " (" + p[0] + ")";
        li.appendChild(a);
        var g = p[5] === "unrated" ? (en ? "Not rated" : "数据不足") : p[5] === "cleared" ? (en ? "Cleared" : "已清退") : p[5] + " " + p[6];
        li.appendChild(document.createTextNode(" · " + g));
        list.appendChild(li);
      });
    }
    input.addEventListener("input", function () {
      if (index) return show();
      fetch(root + "assets/search.json").then(function (r) { return r.json(); }).then(function (d) { index = d; show(); });
    });
  }
})();
