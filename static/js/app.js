/* Every page: the collapsing navigation, tables that stack into labelled rows on a phone, and
 * the live assessment panel's summary bar. Plain JavaScript; pages work without it. */
(function () {
  "use strict";

  /* ---- navigation: a 菜单 button on narrow screens ---------------------------------------- */
  var toggle = document.querySelector(".navtoggle");
  var header = document.querySelector(".topbar");
  if (toggle && header) {
    toggle.addEventListener("click", function () {
      var open = header.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  /* ---- tables: each cell carries its column's heading (shown when rows stack) -------------- */
  function labelTable(table) {
    if (table.hasAttribute("data-labelled")) return;
    var heads = table.querySelectorAll("thead th");
    if (!heads.length) return;
    var names = Array.prototype.map.call(heads, function (th) {
      return th.textContent.replace(/\s+/g, " ").trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      var col = 0;
      Array.prototype.forEach.call(tr.children, function (cell) {
        if (!cell.hasAttribute("data-label") && names[col]) {
          cell.setAttribute("data-label", names[col]);
        }
        col += cell.colSpan || 1;
      });
    });
    table.setAttribute("data-labelled", "");
    table.classList.add("stackable");
  }

  function labelAll(root) {
    (root || document).querySelectorAll("table").forEach(labelTable);
  }
  labelAll(document);
  // Rows added later (repeatable rows, the live panel) get their labels too.
  if (window.MutationObserver) {
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        var table = record.target.closest ? record.target.closest("table") : null;
        if (table) {
          table.removeAttribute("data-labelled");
          labelTable(table);
        }
        Array.prototype.forEach.call(record.addedNodes, function (node) {
          if (node.querySelectorAll) {
            node.querySelectorAll("table").forEach(function (t) {
              t.removeAttribute("data-labelled");
              labelTable(t);
            });
          }
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  /* ---- scrolling boxes can be scrolled from the keyboard (WCAG 2.1.1) ----------------------- */
  document.querySelectorAll("#assessment-panel, .tablewrap, .panel").forEach(function (box) {
    if (!box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
    if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
      var heading = box.querySelector("h2, h3, caption, summary");
      if (heading) {
        if (!box.hasAttribute("role") && box.tagName === "DIV") box.setAttribute("role", "region");
        box.setAttribute("aria-label", heading.textContent.replace(/\s+/g, " ").trim());
      }
    }
  });

  /* ---- live panel: a sticky summary bar on a phone that opens the whole panel -------------- */
  var panel = document.getElementById("assessment-panel");
  function syncPanelToggle() {
    var open = panel.classList.contains("expanded") ? "true" : "false";
    panel.querySelectorAll("[data-panel-toggle]").forEach(function (b) {
      b.setAttribute("aria-expanded", open);
    });
  }
  if (panel && window.MutationObserver) {
    // The live assessment replaces the panel's content: keep the toggle's state truthful.
    new MutationObserver(syncPanelToggle).observe(panel, { childList: true });
  }
  if (panel) {
    panel.addEventListener("click", function (event) {
      var button = event.target.closest("[data-panel-toggle]");
      if (!button) return;
      var open = panel.classList.toggle("expanded");
      panel.querySelectorAll("[data-panel-toggle]").forEach(function (b) {
        b.setAttribute("aria-expanded", open ? "true" : "false");
      });
    });
  }
})();
