// pejling web: moves a job's progress bar by polling its status (JSON) and reloads the page
// when the job has ended, so the server shows the result or the errors. Without JavaScript the
// page reloads itself (a <noscript> refresh).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.getAttribute("data-finished") === "1") {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var every = Math.max(1, parseInt(box.getAttribute("data-poll"), 10) || 1) * 1000;
  var bar = document.getElementById("bar");
  var percent = document.getElementById("percent");
  var state = document.getElementById("state");
  var message = document.getElementById("message");

  function show(s) {
    bar.value = s.progress;
    bar.textContent = s.percent;
    percent.textContent = s.percent;
    if (state.textContent !== s.label) {
      state.textContent = s.label;
    }
    if (message.textContent !== s.message) {
      message.textContent = s.message;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) {
          throw new Error(String(r.status));
        }
        return r.json();
      })
      .then(function (s) {
        show(s);
        if (s.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, every / 2);
        }
      })
      .catch(function () {
        window.setTimeout(poll, every * 3);
      });
  }

  window.setTimeout(poll, every / 2);
})();
