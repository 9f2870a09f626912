/* The applicant's project form: repeatable rows, unit pickers, code look-ups and the live
 * assessment panel. Plain JavaScript, no libraries; the form works without it (one row at a
 * time, no live panel). */
(function () {
  "use strict";

  var form = document.getElementById("project-form");
  var panel = document.getElementById("assessment-panel");
  var DEBOUNCE_MS = 400;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  /* ---- repeatable rows (Django formsets) ------------------------------------------------ */
  function totalInput(prefix) {
    return document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  }

  function addRow(prefix) {
    var tpl = document.getElementById("tpl-" + prefix);
    var table = document.querySelector("table[data-formset='" + prefix + "'] tbody");
    var total = totalInput(prefix);
    if (!tpl || !table || !total) return;
    var index = parseInt(total.value, 10);
    var html = tpl.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("tbody");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    table.appendChild(row);
    total.value = String(index + 1);
    wireRow(row);
    var first = row.querySelector("select, input:not([type=hidden])");
    if (first) first.focus();
    scheduleAssessment();
  }

  function removeRow(row) {
    var del = row.querySelector("input[name$='-DELETE']");
    if (del) del.checked = true;
    row.classList.add("hidden-row");
    scheduleAssessment();
  }

  /* ---- unit pickers: only the units of the chosen energy type's base unit ---------------- */
  function filterUnits(row) {
    var type = row.querySelector("select[name$='-type']");
    var unit = row.querySelector("select[name$='-unit']");
    if (!type || !unit) return;
    var chosen = type.options[type.selectedIndex];
    var base = chosen ? chosen.getAttribute("data-base") : null;
    var firstMatch = null;
    Array.prototype.forEach.call(unit.options, function (opt) {
      if (!opt.value) return;
      var ok = !base || opt.getAttribute("data-base") === base;
      opt.hidden = !ok;
      opt.disabled = !ok;
      if (ok && !firstMatch) firstMatch = opt;
    });
    var current = unit.options[unit.selectedIndex];
    if (base && (!current || !current.value || current.disabled) && firstMatch) {
      unit.value = firstMatch.value;
    }
  }

  function productHint(row) {
    var select = row.querySelector("select[name$='-product']");
    var hint = row.querySelector("[data-product-hint]");
    if (!select || !hint) return;
    var opt = select.options[select.selectedIndex];
    if (!opt || !opt.value) {
      hint.textContent = "";
      return;
    }
    hint.textContent =
      "标杆 " + opt.getAttribute("data-benchmark") + " / 基准 " +
      opt.getAttribute("data-baseline") + " " + opt.getAttribute("data-unit");
  }

  function wireRow(row) {
    var remove = row.querySelector("[data-remove-row]");
    if (remove) {
      remove.addEventListener("click", function () { removeRow(row); });
    }
    var type = row.querySelector("select[name$='-type']");
    if (type) {
      type.addEventListener("change", function () { filterUnits(row); });
      filterUnits(row);
    }
    var product = row.querySelector("select[name$='-product']");
    if (product) {
      product.addEventListener("change", function () { productHint(row); });
      productHint(row);
    }
  }

  /* ---- region and industry look-ups ------------------------------------------------------ */
  function wireLookup(kind) {
    var input = document.getElementById("id_" + kind);
    var list = document.getElementById(kind + "-options");
    var name = document.querySelector("[data-name-for='" + kind + "']");
    if (!input || !list || !form) return;
    var base = form.getAttribute("data-lookup-base") || "/projects/lookup/";
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) return;
      timer = setTimeout(function () {
        fetch(base + kind + "/?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            list.innerHTML = "";
            var exact = null;
            data.results.forEach(function (item) {
              var opt = document.createElement("option");
              opt.value = item.code;
              opt.label = item.code + " " + item.name;
              opt.textContent = item.name;
              list.appendChild(opt);
              if (item.code === input.value.trim()) exact = item;
            });
            if (name) name.textContent = exact ? exact.name : "";
          })
          .catch(function () { /* look-up is a convenience; the engine checks the code */ });
      }, 250);
    });
  }

  /* ---- live assessment ------------------------------------------------------------------- */
  var timer = null;
  var inflight = null;
  var sequence = 0;

  function clearLiveErrors() {
    document.querySelectorAll(".live-error").forEach(function (el) { el.remove(); });
    document.querySelectorAll("[aria-invalid=true]").forEach(function (el) {
      el.removeAttribute("aria-invalid");
    });
  }

  function showFieldErrors(fieldErrors) {
    Object.keys(fieldErrors).forEach(function (name) {
      var input = document.querySelector("[name='" + name + "']");
      if (!input) return;
      var cell = input.closest("td, .field") || input.parentNode;
      var existing = Array.prototype.map.call(
        cell.querySelectorAll(".errorlist:not(.live-error) li"),
        function (li) { return li.textContent; }
      );
      var messages = fieldErrors[name].filter(function (m) { return existing.indexOf(m) < 0; });
      input.setAttribute("aria-invalid", "true");
      if (!messages.length) return;
      var ul = document.createElement("ul");
      ul.className = "errorlist live-error";
      messages.forEach(function (m) {
        var li = document.createElement("li");
        li.textContent = m;
        ul.appendChild(li);
      });
      input.insertAdjacentElement("afterend", ul);
    });
  }

  function runAssessment() {
    if (!panel) return;
    var url = panel.getAttribute("data-live-url");
    if (!url) return;
    var body = form ? new FormData(form) : new FormData();
    // Files are not assessed; do not upload them on every keystroke.
    Array.from(body.keys()).forEach(function (key) {
      var value = body.get(key);
      if (value instanceof File) body.delete(key);
    });
    body.set("step", panel.getAttribute("data-step") || "1");
    if (inflight) inflight.abort();
    inflight = new AbortController();
    var mine = ++sequence;
    panel.setAttribute("aria-busy", "true");
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      signal: inflight.signal,
    })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (mine !== sequence) return;
        panel.innerHTML = data.html;
        panel.removeAttribute("aria-busy");
        panel.setAttribute("data-updated", String(mine));
        clearLiveErrors();
        showFieldErrors(data.field_errors || {});
      })
      .catch(function (err) {
        if (err && err.name === "AbortError") return;
        panel.removeAttribute("aria-busy");
      });
  }

  function scheduleAssessment() {
    clearTimeout(timer);
    timer = setTimeout(runAssessment, DEBOUNCE_MS);
  }

  /* ---- wiring ---------------------------------------------------------------------------- */
  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    button.addEventListener("click", function () { addRow(button.getAttribute("data-add-row")); });
  });
  document.querySelectorAll("tr.formset-row").forEach(wireRow);
  wireLookup("region");
  wireLookup("industry");
  if (form) {
    form.addEventListener("input", function (event) {
      // The server's message for this input is stale once the applicant edits it.
      var cell = event.target.closest("td, .field");
      if (cell) {
        cell.querySelectorAll(".errorlist:not(.live-error)").forEach(function (el) { el.remove(); });
        cell.classList.remove("has-error");
      }
      scheduleAssessment();
    });
    form.addEventListener("change", scheduleAssessment);
  }
  if (panel) runAssessment();
})();
