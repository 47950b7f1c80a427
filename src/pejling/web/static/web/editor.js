// The policy editor's live check: after typing stops, the form is sent to the lint view
// (web:policy_lint) and each finding is shown next to its field. Without this script the
// "Tjek for fejl" button and a refused save show the same findings (server-rendered).
(function () {
  "use strict";
  var form = document.getElementById("editor");
  if (!form || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-lint");
  var summary = document.getElementById("lint-summary");
  var timer = null;
  var serial = 0;

  function findingNode(f) {
    var box = document.createElement("div");
    box.className = "finding finding-" + f.severity;
    var p = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = f.label + ":";
    p.appendChild(strong);
    p.appendChild(document.createTextNode(" " + f.text));
    box.appendChild(p);
    var details = document.createElement("details");
    var sum = document.createElement("summary");
    sum.textContent = "Teknisk detalje";
    var detail = document.createElement("p");
    detail.className = "detail";
    detail.textContent = f.detail;
    details.appendChild(sum);
    details.appendChild(detail);
    box.appendChild(details);
    return box;
  }

  function slotOf(name) {
    return document.getElementById(name + "-err") || document.getElementById(name) ||
      document.getElementById("grp-policy");
  }

  function render(data) {
    var bySlot = {};
    data.findings.forEach(function (f) {
      var slot = slotOf(f.field);
      if (!slot) { return; }
      var key = slot.id;
      (bySlot[key] = bySlot[key] || { slot: slot, items: [] }).items.push(f);
    });
    var slots = form.querySelectorAll(".findings");
    Array.prototype.forEach.call(slots, function (slot) {
      var entry = bySlot[slot.id];
      var items = entry ? entry.items : [];
      var signature = items.map(function (f) { return f.severity + f.text + f.detail; }).join("|");
      if ((slot.getAttribute("data-shown") || "") === signature) { return; }
      slot.setAttribute("data-shown", signature);
      while (slot.firstChild) { slot.removeChild(slot.firstChild); }
      items.forEach(function (f) { slot.appendChild(findingNode(f)); });
      var control = document.getElementById(slot.id.replace(/-err$/, ""));
      if (control && control !== slot) {
        var bad = items.some(function (f) { return f.severity === "error"; });
        if (bad) { control.setAttribute("aria-invalid", "true"); } else { control.removeAttribute("aria-invalid"); }
        var field = control.closest(".field");
        if (field) { field.classList.toggle("has-error", bad); }
      }
    });
    var text;
    if (data.errors || data.warnings) {
      text = data.errors + " fejl og " + data.warnings + " advarsler eller bemærkninger.";
      if (data.errors) { text += " Fejl skal rettes, før du kan gemme."; }
    } else {
      text = "Ingen fejl eller advarsler.";
    }
    summary.textContent = text;
    summary.classList.toggle("has-errors", data.errors > 0);
  }

  function check() {
    var mine = ++serial;
    var body = new FormData(form);
    body.set("action", "check");
    fetch(url, { method: "POST", body: body, credentials: "same-origin",
                 headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && mine === serial) { render(data); } })
      .catch(function () { /* the save still checks; nothing to show here */ });
  }

  function later() {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(check, 500);
  }

  form.addEventListener("input", function (e) {
    if (e.target && e.target.name && e.target.name.indexOf("f-") === 0) { later(); }
  });
  form.addEventListener("change", function (e) {
    if (e.target && e.target.name && e.target.name.indexOf("f-") === 0) { later(); }
  });
})();
