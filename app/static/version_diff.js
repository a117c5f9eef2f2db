// Two versions of a process side by side (bpmn-js viewers, served from node_modules) with what changed
// coloured by bpmn-js-differ: added on the new diagram, removed on the old one, changed on both; and the
// same as a list that selects the element. Used by templates/designer/_version_diff.html wherever included.
(function () {
  if (!window.BpmnJS || !window.BpmnJsDiffer) return;
  var KINDS = [["_added", "added", ["new"]], ["_removed", "removed", ["old"]], ["_changed", "changed", ["old", "new"]]];

  function load(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.text();
    });
  }

  function setUp(box) {
    var viewers = {
      old: new window.BpmnJS({ container: box.querySelector("[data-diagram='old']") }),
      "new": new window.BpmnJS({ container: box.querySelector("[data-diagram='new']") })
    };
    var list = box.querySelector("[data-diff-list]");
    Promise.all([load(box.dataset.old), load(box.dataset["new"])]).then(function (xml) {
      return viewers.old.importXML(xml[0]).then(function () { return viewers["new"].importXML(xml[1]); });
    }).then(function () {
      var changes = window.BpmnJsDiffer.diff(viewers.old.getDefinitions(), viewers["new"].getDefinitions());
      var count = 0;
      list.replaceChildren();
      KINDS.forEach(function (kind) {
        var found = changes[kind[0]] || {};
        Object.keys(found).sort().forEach(function (id) {
          var element = found[id].model || found[id];
          if (element.$type === "bpmn:Definitions" || element.$type === "bpmndi:BPMNDiagram") return;
          var shown = kind[2].filter(function (side) { return mark(viewers[side], id, "lt-diff-" + kind[1]); });
          list.appendChild(entry(box, kind[1], id, element, shown, viewers));
          count += 1;
        });
      });
      if (!count) list.textContent = box.dataset.empty;
      Object.keys(viewers).forEach(function (side) { viewers[side].get("canvas").zoom("fit-viewport"); });
      box.dataset.ready = "1";
    }).catch(function () {
      list.textContent = box.dataset.failed;
      box.dataset.ready = "failed";
    });
  }

  function mark(viewer, id, css) {
    if (!viewer.get("elementRegistry").get(id)) return false;
    viewer.get("canvas").addMarker(id, css);
    return true;
  }

  function entry(box, kind, id, element, shown, viewers) {
    var item = document.createElement("li");
    item.dataset.change = kind;
    item.dataset.elementId = id;
    var badge = document.createElement("span");
    badge.className = "legend legend-" + kind + " me-1";
    var what = document.createElement("span");
    what.className = "me-1";
    what.textContent = box.dataset[kind] + ":";
    var name = document.createTextNode(" " + (element.name || "") + " ");
    var code = document.createElement(shown.length ? "button" : "code");
    code.className = shown.length ? "btn btn-link btn-sm p-0 font-monospace" : "";
    if (shown.length) code.type = "button";
    code.textContent = id;
    if (shown.length) {
      code.addEventListener("click", function () {
        shown.forEach(function (side) {
          var target = viewers[side].get("elementRegistry").get(id);
          viewers[side].get("canvas").scrollToElement(target);
        });
      });
    }
    item.append(badge, what, name, code);
    return item;
  }

  document.querySelectorAll("[data-version-diff]").forEach(setUp);
})();
