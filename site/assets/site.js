// Progressive enhancement only: every page is complete without it (the
// lists filter and page by links). It searches providers through the
// sharded static index under search/ (see site/search.go: the two must
// agree on every rule), fetching only the few small files a query needs,
// and shows on a provider's page when the register was last updated.
// Every word it shows comes from the page (data-* attributes written from
// content/ui.json).
(function () {
  "use strict";
  var body = document.body;
  var root = body.getAttribute("data-root") || "";
  var home = body.getAttribute("data-home") || "";
  var en = body.getAttribute("data-lang") === "en";

  // format fills "%[1]d"-style slots, as Go's fmt does for the same strings.
  function format(s) {
    var args = arguments;
    return (s || "").replace(/%\[(\d)\][ds]/g, function (_, i) { return String(args[+i]); });
  }

  var statusP = null;
  function status() {
    if (!statusP) {
      statusP = fetch(root + "status.json", { cache: "no-cache" }).then(function (r) {
        if (!r.ok) throw new Error("status.json: " + r.status);
        return r.json();
      });
    }
    return statusP;
  }

  // norm folds text as searchNorm does: NFKC, each character lower-cased
  // where that gives one character, white space and format characters
  // dropped. It returns the characters, one string each.
  var drop = /[\p{White_Space}\p{Cf}]/u;
  function norm(s) {
    var out = [];
    Array.from((s || "").normalize("NFKC")).forEach(function (c) {
      if (drop.test(c)) return;
      var l = c === "\u0130" ? c : c.toLowerCase();
      out.push(Array.from(l).length === 1 ? l : c);
    });
    return out;
  }

  // fnv is FNV-1a of a string's UTF-8 bytes, as shardOf computes it.
  var utf8 = new TextEncoder();
  function fnv(s) {
    var b = utf8.encode(s), h = 0x811c9dc5;
    for (var i = 0; i < b.length; i++) {
      h = Math.imul((h ^ b[i]) >>> 0, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  // decode reads a posting: "b" and a bitmap, or "d" and varints of the
  // first number and the gaps, in unpadded base64.
  function decode(s) {
    var bin = atob(s.slice(1)), out = [];
    if (s.charAt(0) === "b") {
      for (var i = 0; i < bin.length; i++) {
        var c = bin.charCodeAt(i);
        for (var k = 0; k < 8; k++) if (c & (1 << k)) out.push(8 * i + k);
      }
      return out;
    }
    var v = 0, mul = 1, prev = 0;
    for (var j = 0; j < bin.length; j++) {
      var x = bin.charCodeAt(j);
      v += (x & 0x7f) * mul;
      if (x & 0x80) { mul *= 128; continue; }
      prev = out.length ? prev + v : v;
      out.push(prev);
      v = 0; mul = 1;
    }
    return out;
  }

  var files = {};
  function getJSON(path, v) {
    if (!files[path]) {
      files[path] = fetch(root + path + "?v=" + v).then(function (r) {
        if (!r.ok) throw new Error(path + ": " + r.status);
        return r.json();
      });
    }
    return files[path];
  }

  // records returns the records of the given provider numbers, in order.
  function records(meta, ns) {
    return Promise.all(ns.map(function (n) {
      return getJSON("search/r/" + Math.floor(n / meta.block) + ".json", meta.v).then(function (b) { return b[n % meta.block]; });
    }));
  }

  // search finds the providers whose id, name, English name or pinyin
  // initials hold the query where a search may start: it walks from the
  // node of the query's first character to the leaf that holds it, and
  // takes the union of the postings of the keys that start with the
  // query. A query longer than a key is checked against the records.
  function search(q) {
    return status().then(function (st) {
      var meta = st.search, qr = norm(q);
      if (!qr.length || !meta.n) return { meta: meta, hits: [] };
      var l = Math.min(qr.length, meta.key_runes), want = qr.slice(0, l).join("");
      function step(depth) {
        var prefix = qr.slice(0, depth).join("");
        return getJSON("search/i/" + (fnv(prefix) % meta.shards) + ".json", meta.v).then(function (shard) {
          var node = Object.prototype.hasOwnProperty.call(shard, prefix) ? shard[prefix] : null;
          if (!node) return [];
          if (Array.isArray(node)) {
            var set = new Set();
            node.forEach(function (e) {
              if ((prefix + e[0]).indexOf(want) === 0) decode(e[1]).forEach(function (n) { set.add(n); });
            });
            return Array.from(set).sort(function (a, b) { return a - b; });
          }
          if (depth === l) return decode(node.u);
          return step(depth + 1);
        });
      }
      return step(1).then(function (hits) {
        if (qr.length <= l) return { meta: meta, hits: hits };
        var full = qr.join("");
        return records(meta, hits).then(function (recs) {
          return { meta: meta, hits: hits.filter(function (n, i) {
            var r = recs[i];
            return [r[0], r[2], r[3]].some(function (f) { return norm(f).join("").indexOf(full) >= 0; });
          }) };
        });
      });
    });
  }

  function page(r) { return home + "providers/" + (r[1] || r[0]) + "/"; }
  function name(r) { return en && r[3] ? r[3] : r[2]; }

  // A search box and the results beside it: "list" shows the first
  // matches as links (and a link to all of them on the providers list),
  // "table" shows them as rows of the providers table, more on request.
  var form = document.querySelector("form[data-search-form]");
  var box = document.querySelector("[data-search-results]");
  if (form && box && window.fetch && window.TextEncoder) {
    form.hidden = false;
    var input = form.querySelector("input[data-search]");
    var mode = box.getAttribute("data-mode");
    var label = function (k) { return form.getAttribute("data-" + k) || ""; };
    var list = document.querySelector("[data-list]");
    var shown = 0, found = null, serial = 0;
    var gradeText = function (r) {
      var g = r[5] === "unrated" || r[5] === "cleared" ? label("grade-" + r[5]) : r[5] + " " + r[6];
      if (r[7] && r[7] !== "active" && r[5] !== "cleared") g += " · " + label("status-" + r[7]);
      return g;
    };
    var render = function (more) {
      var most = mode === "table" ? 100 : 20;
      var ns = found.hits.slice(shown, shown + most);
      var my = serial;
      return records(found.meta, ns).then(function (recs) {
        if (my !== serial) return;
        shown += recs.length;
        if (mode === "list") {
          var ul = box.querySelector("[data-results]");
          ul.textContent = "";
          if (!recs.length) {
            var none = document.createElement("li");
            none.textContent = label("none");
            ul.appendChild(none);
          }
          recs.forEach(function (r) {
            var li = document.createElement("li"), a = document.createElement("a");
            a.href = page(r) + (box.getAttribute("data-anchor") || "");
            // Names and ids are the export's text: each is isolated, so
            // that a right-to-left mark in a name cannot reorder the id
            // after it.
            var nm = document.createElement("bdi"), id = document.createElement("bdi");
            nm.textContent = name(r);
            id.textContent = r[0];
            a.append(nm, " (", id, ")");
            li.appendChild(a);
            li.appendChild(document.createTextNode(" · " + gradeText(r)));
            ul.appendChild(li);
          });
          if (found.hits.length > recs.length) {
            var li = document.createElement("li"), all = document.createElement("a");
            all.href = home + "providers/?q=" + encodeURIComponent(input.value.trim());
            all.setAttribute("data-all-link", "");
            all.textContent = format(label("all"), found.hits.length);
            li.appendChild(all);
            ul.appendChild(li);
          }
          return;
        }
        var tb = box.querySelector("tbody");
        var labels = (tb.getAttribute("data-labels") || "").split("|");
        if (!more) tb.textContent = "";
        recs.forEach(function (r) {
          var tr = document.createElement("tr");
          var cells = [[name(r), null], [r[5] === "unrated" || r[5] === "cleared" ? label("grade-" + r[5]) : r[5], labels[4]],
            [r[7], labels[0]], [r[6], labels[1]], [r[4], labels[2]], [r[0], labels[3]]];
          cells.forEach(function (c, i) {
            var td = document.createElement("td");
            if (i === 0) {
              var a = document.createElement("a"), nm = document.createElement("bdi");
              a.href = page(r);
              nm.textContent = c[0];
              a.appendChild(nm);
              td.appendChild(a);
            } else if (i === 5) {
              var id = document.createElement("bdi");
              id.textContent = c[0];
              td.appendChild(id);
              td.setAttribute("data-label", c[1]);
            } else {
              td.textContent = i === 2 ? statusName(r[7]) : i === 4 ? categoryName(r[4]) : c[0];
              td.setAttribute("data-label", c[1]);
            }
            if (i === 3) td.className = "num";
            tr.appendChild(td);
          });
          tb.appendChild(tr);
        });
        box.querySelector("[data-search-count]").textContent = found.hits.length === 1 ? label("found-one") : found.hits.length ? format(label("found"), found.hits.length) : label("none");
        box.querySelector(".scroll").hidden = !found.hits.length;
        box.querySelector("[data-search-more]").hidden = shown >= found.hits.length;
      });
    };
    // The names of categories and statuses, from the page.
    var names = JSON.parse(form.getAttribute("data-names") || "{}");
    var statusName = function (s) { return names["status:" + s] || s; };
    var categoryName = function (c) { return names["category:" + c] || c; };
    var run = function (write) {
      var q = input.value.trim();
      serial++;
      shown = 0;
      if (write && mode === "table" && window.history && history.replaceState) {
        history.replaceState(null, "", location.pathname + (q ? "?q=" + encodeURIComponent(q) : "") + location.hash);
      }
      if (!q) {
        box.hidden = true;
        if (list) list.hidden = false;
        return;
      }
      var my = serial;
      search(q).then(function (res) {
        if (my !== serial) return;
        found = res;
        box.hidden = false;
        if (list) list.hidden = true;
        return render(false);
      }).catch(function () { box.hidden = true; if (list) list.hidden = false; });
    };
    input.addEventListener("input", function () { run(true); });
    form.addEventListener("submit", function (e) { e.preventDefault(); run(true); });
    var more = box.querySelector("[data-search-more]");
    if (more) more.addEventListener("click", function () { render(true); });
    var q0 = new URLSearchParams(location.search).get("q");
    if (q0 && mode === "table") {
      input.value = q0;
      run(false);
    }
  }

  // A provider's page says when the register was last updated.
  var latest = document.querySelector("[data-latest]");
  if (latest && window.fetch) {
    status().then(function (st) {
      latest.textContent = format(latest.getAttribute("data-latest"), st.as_of);
      latest.hidden = false;
    }).catch(function () {});
  }
})();
