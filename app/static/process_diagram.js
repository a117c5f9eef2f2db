// Auditors' history page: the pinned process diagram (bpmn-js, served from node_modules) marked with the
// elements done, waiting and cancelled, and the case's data, as they were right after a chosen event.
(function () {
  var container = document.getElementById("process-diagram");
  var source = document.getElementById("step-snapshots");
  if (!container || !source || !window.BpmnJS) return;
  var snapshots = JSON.parse(source.textContent);
  var viewer = new window.BpmnJS({ container: container });
  // "failed": the step an incident stopped at (the incident page's one snapshot).
  var MARKS = { completed: "lt-completed", active: "lt-active", cancelled: "lt-cancelled", failed: "lt-failed" };
  var marked = [];

  function snapshotAfter(seq) {
    var found = null;
    snapshots.forEach(function (s) { if (s.seq <= seq) found = s; });
    return found;
  }

  // Pairs [label, text, changed]: the history page labels the data on the server (forms' titles, names);
  // a designer's test run shows its keys as they are.
  function pairsOf(snapshot) {
    if (snapshot.fields) return snapshot.fields;
    return Object.keys(snapshot.data).sort().map(function (key) {
      var shown = snapshot.data[key];
      return [key, typeof shown === "string" ? shown : JSON.stringify(shown), snapshot.changed.indexOf(key) >= 0];
    });
  }

  function fill(list, pairs) {
    list.replaceChildren();
    if (!pairs.length) {
      var empty = document.createElement("dd");
      empty.textContent = list.dataset.empty;
      list.appendChild(empty);
    }
    pairs.forEach(function (pair) {
      var term = document.createElement("dt");
      var value = document.createElement("dd");
      term.className = "col-5 text-muted fw-normal text-break";
      value.className = "col-7 mb-0 text-break";
      term.textContent = pair[0];
      value.textContent = pair[1];
      if (pair[2]) { term.classList.add("fw-bold"); value.classList.add("fw-bold"); }
      list.append(term, value);
    });
  }

  function showData(snapshot) {
    fill(document.getElementById("step-data"), pairsOf(snapshot));
    var raw = document.getElementById("step-raw-data");
    if (raw && snapshot.raw) {
      raw.hidden = false;
      fill(raw.querySelector("dl"), snapshot.raw);
    }
  }

  function show(seq, isCurrent) {
    var snapshot = snapshotAfter(seq);
    if (!snapshot) return;
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    marked.forEach(function (m) { canvas.removeMarker(m[0], m[1]); });
    marked = [];
    Object.keys(MARKS).forEach(function (state) {
      (snapshot[state] || []).forEach(function (id) {
        if (registry.get(id)) { canvas.addMarker(id, MARKS[state]); marked.push([id, MARKS[state]]); }
      });
    });
    document.querySelectorAll("[data-event-seq]").forEach(function (item) {
      item.classList.toggle("step-chosen", !isCurrent && Number(item.dataset.eventSeq) === seq);
    });
    var number = snapshot.number || snapshot.seq;
    if (!isCurrent) document.getElementById("diagram-step").textContent = container.dataset.stepLabel + number;
    document.getElementById("step-data-seq").textContent = "· " + container.dataset.stepLabel + number;
    showData(snapshot);
  }

  fetch(container.dataset.url, { credentials: "same-origin" })
    .then(function (response) { if (!response.ok) throw new Error(response.status); return response.text(); })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      viewer.get("canvas").zoom("fit-viewport");
      container.dataset.ready = "1";
      if (snapshots.length) show(snapshots[snapshots.length - 1].seq, true);
    })
    .catch(function () { container.textContent = container.dataset.failed; });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-step]");
    if (!button || container.dataset.ready !== "1") return;
    show(Number(button.dataset.step), false);
    container.scrollIntoView({ behavior: "smooth", block: "start" });
  });
})();
