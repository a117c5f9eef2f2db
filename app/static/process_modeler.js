// Designers' BPMN editor: the bpmn-js modeler (served from node_modules) with a properties panel for what
// our engine reads — lane roles, form files, instructions, scripts, conditions, timers, service operators
// and the signing step — and the server's check results highlighted on the diagram.
(function () {
  var container = document.getElementById("modeler");
  if (!container || !window.BpmnJS) return;
  var settings = JSON.parse(document.getElementById("modeler-settings").textContent);
  var words = JSON.parse(document.getElementById("modeler-words").textContent);
  var panel = document.getElementById("properties");

  // Moddle descriptors: element names follow the property names (spiffworkflow:properties/property, ...).
  var body = function (name) {
    return { name: name, superClass: ["Element"], properties: [{ name: "value", isBody: true, type: "String" }] };
  };
  var spiff = {
    name: "SpiffWorkflow", uri: "http://spiffworkflow.org/bpmn/schema/1.0/core", prefix: "spiffworkflow",
    xml: { tagAlias: "lowerCase" },
    types: [
      { name: "Properties", superClass: ["Element"], properties: [{ name: "property", type: "Property", isMany: true }] },
      { name: "Property", superClass: ["Element"], properties: [
        { name: "name", isAttr: true, type: "String" }, { name: "value", isAttr: true, type: "String" }] },
      body("InstructionsForEndUser"), body("PreScript"), body("PostScript"),
      { name: "ServiceTaskOperator", superClass: ["Element"], properties: [
        { name: "id", isAttr: true, type: "String" }, { name: "resultVariable", isAttr: true, type: "String" },
        { name: "parameters", type: "Parameters" }] },
      { name: "Parameters", superClass: ["Element"], properties: [{ name: "parameter", type: "Parameter", isMany: true }] },
      { name: "Parameter", superClass: ["Element"], properties: [
        { name: "id", isAttr: true, type: "String" }, { name: "type", isAttr: true, type: "String" },
        { name: "value", isAttr: true, type: "String" }] }
    ]
  };
  var lienthong = {
    name: "LienThong", uri: "https://lienthong.gov.vn/bpmn/1.0", prefix: "lienthong", xml: { tagAlias: "lowerCase" },
    types: [{ name: "Signing", superClass: ["Element"], properties: [
      { name: "kind", isAttr: true, type: "String" }, { name: "document", isAttr: true, type: "String" },
      { name: "returnCondition", isAttr: true, type: "String" }] }]
  };

  var modeler = new window.BpmnJS(withLinting({ container: container,
    moddleExtensions: { spiffworkflow: spiff, lienthong: lienthong } }));
  var modeling = modeler.get("modeling");
  var moddle = modeler.get("moddle");
  var canvas = modeler.get("canvas");
  var registry = modeler.get("elementRegistry");
  var selected = null;
  var lockVersion = settings.lockVersion;

  // --- lint: bpmnlint's recommended rules (warnings) and ours (errors, the ones publishing refuses), marked
  // on the diagram as the designer draws; the same rules run on the server (app/workflow/js_lint.py).
  function withLinting(options) {
    var lint = window.LienThongLint;
    if (!lint) return options;
    var phrases = {
      "{errors} Errors, {warnings} Warnings": words.lintCount, "No Issues": words.lintNone,
      "Toggle linting overlays": words.lintToggle, "Issues for child elements": words.lintChildren
    };
    var translate = function (template, replacements) {
      return (phrases[template] || template).replace(/{([^}]+)}/g, function (_, key) {
        return replacements && key in replacements ? replacements[key] : "{" + key + "}";
      });
    };
    options.additionalModules = [lint.module, { translate: ["value", translate] }];
    options.linting = { active: true, bpmnlint: lint.config(settings.lint) };
    return options;
  }

  // --- extension elements -------------------------------------------------------------------------
  function extensions(element, create) {
    var bo = element.businessObject;
    if (!bo.extensionElements && create) {
      modeling.updateProperties(element, { extensionElements: moddle.create("bpmn:ExtensionElements", { values: [] }) });
    }
    return bo.extensionElements;
  }
  function extension(element, type, create) {
    var ext = extensions(element, create);
    var found = ext ? (ext.get("values") || []).filter(function (v) { return v.$instanceOf(type); })[0] : null;
    if (!found && create) {
      found = moddle.create(type);
      modeling.updateModdleProperties(element, ext, { values: ext.get("values").concat([found]) });
    }
    return found;
  }
  function removeExtension(element, type) {
    var ext = extensions(element, false);
    if (!ext) return;
    var kept = ext.get("values").filter(function (v) { return !v.$instanceOf(type); });
    modeling.updateModdleProperties(element, ext, { values: kept });
  }
  function spiffProperty(element, name) {
    var props = extension(element, "spiffworkflow:Properties", false);
    var found = props ? (props.get("property") || []).filter(function (p) { return p.name === name; })[0] : null;
    return found ? found.value : "";
  }
  function setSpiffProperty(element, name, value) {
    var props = extension(element, "spiffworkflow:Properties", true);
    var others = (props.get("property") || []).filter(function (p) { return p.name !== name; });
    if (value) others.push(moddle.create("spiffworkflow:Property", { name: name, value: value }));
    modeling.updateModdleProperties(element, props, { property: others });
  }
  function bodyText(element, type) {
    var found = extension(element, type, false);
    return found ? found.value || "" : "";
  }
  function setBodyText(element, type, value) {
    if (!value) { removeExtension(element, type); return; }
    modeling.updateModdleProperties(element, extension(element, type, true), { value: value });
  }
  function expression(value) { return value ? moddle.create("bpmn:FormalExpression", { body: value }) : undefined; }

  // --- the panel ----------------------------------------------------------------------------------
  function field(label, control) {
    var wrap = document.createElement("div");
    wrap.className = "mb-2";
    var id = "prop-" + Math.random().toString(36).slice(2);
    var title = document.createElement("label");
    title.className = "form-label mb-0";
    title.htmlFor = id;
    title.textContent = label;
    control.id = id;
    wrap.append(title, control);
    panel.appendChild(wrap);
    return control;
  }
  function input(label, value, onChange, multiline) {
    var control = document.createElement(multiline ? "textarea" : "input");
    control.className = "form-control form-control-sm" + (multiline === "code" ? " font-monospace" : "");
    if (multiline) control.rows = 3;
    control.value = value || "";
    control.addEventListener("change", function () { onChange(control.value.trim()); });
    return field(label, control);
  }
  // `labels` names the stored values in words ("signer" reads "Người ký"); unlabelled values show as stored.
  function choice(label, value, options, onChange, labels) {
    var control = document.createElement("select");
    control.className = "form-select form-select-sm";
    var values = options.slice();
    if (value && values.indexOf(value) < 0) values.push(value);
    [""].concat(values).forEach(function (v) {
      var option = document.createElement("option");
      option.value = v;
      option.textContent = (labels && labels[v]) || v || words.none;
      option.selected = v === (value || "");
      control.appendChild(option);
    });
    control.addEventListener("change", function () { onChange(control.value); });
    return field(label, control);
  }

  function render(element) {
    panel.replaceChildren();
    selected = element;
    if (!element || element.type === "label") return;
    var bo = element.businessObject;
    var type = element.type;
    // The id is read, not edited: a line of its own ("Mã phần tử: assign"), not a label for nothing.
    var line = document.createElement("p");
    line.className = "mb-2";
    line.setAttribute("data-element-id-line", "");
    var title = document.createElement("span");
    title.className = "text-muted";
    title.textContent = words.id + ": ";
    var id = document.createElement("code");
    id.textContent = bo.id;
    line.append(title, id);
    panel.appendChild(line);
    if (type === "bpmn:Lane") {
      choice(words.lane, bo.name, settings.lanes, function (v) { modeling.updateProperties(element, { name: v }); });
      return;
    }
    input(words.name, bo.name, function (v) { modeling.updateProperties(element, { name: v }); });
    if (type === "bpmn:UserTask") {
      choice(words.form, spiffProperty(element, "formJsonSchemaFilename"), settings.forms, function (v) {
        setSpiffProperty(element, "formJsonSchemaFilename", v);
        setSpiffProperty(element, "formUiSchemaFilename", v ? v.replace(/\.schema\.json$/, ".uischema.json") : "");
        render(element);
      });
      var schema = spiffProperty(element, "formJsonSchemaFilename");
      if (schema) {
        var link = document.createElement("a");
        link.href = settings.formEditorUrl + "?ten=" + encodeURIComponent(schema);
        link.target = "_blank";
        link.textContent = words.editForm;
        panel.appendChild(link);
      }
      input(words.instructions, bodyText(element, "spiffworkflow:InstructionsForEndUser"), function (v) {
        setBodyText(element, "spiffworkflow:InstructionsForEndUser", v);
      }, true);
      signingFields(element);
    }
    if (/Task$/.test(type)) {
      input(words.preScript, bodyText(element, "spiffworkflow:PreScript"), function (v) {
        setBodyText(element, "spiffworkflow:PreScript", v);
      }, "code");
      input(words.postScript, bodyText(element, "spiffworkflow:PostScript"), function (v) {
        setBodyText(element, "spiffworkflow:PostScript", v);
      }, "code");
    }
    if (type === "bpmn:ScriptTask") {
      input(words.script, bo.script, function (v) { modeling.updateProperties(element, { scriptFormat: "python", script: v }); }, "code");
    }
    if (type === "bpmn:ServiceTask") {
      var operator = extension(element, "spiffworkflow:ServiceTaskOperator", false);
      choice(words.operator, operator ? operator.id : "", settings.operators, function (v) {
        var op = extension(element, "spiffworkflow:ServiceTaskOperator", true);
        if (!op.parameters) modeling.updateModdleProperties(element, op, { parameters: moddle.create("spiffworkflow:Parameters") });
        modeling.updateModdleProperties(element, op, { id: v });
      });
      input(words.resultVariable, operator ? operator.resultVariable : "", function (v) {
        modeling.updateModdleProperties(element, extension(element, "spiffworkflow:ServiceTaskOperator", true),
          { resultVariable: v || undefined });
      });
      var listed = operator && operator.parameters ? operator.parameters.get("parameter") : [];
      input(words.parameters, listed.map(function (p) { return p.id + " = " + (p.value || ""); }).join("\n"), function (v) {
        var op = extension(element, "spiffworkflow:ServiceTaskOperator", true);
        var parameters = v.split("\n").filter(function (line) { return line.indexOf("=") > 0; }).map(function (line) {
          var at = line.indexOf("=");
          return moddle.create("spiffworkflow:Parameter",
            { id: line.slice(0, at).trim(), type: "str", value: line.slice(at + 1).trim() });
        });
        modeling.updateModdleProperties(element, op, { parameters: moddle.create("spiffworkflow:Parameters", { parameter: parameters }) });
      }, "code");
      retryFields(element);
    }
    if (type === "bpmn:SequenceFlow") {
      var condition = bo.conditionExpression ? bo.conditionExpression.body : "";
      input(words.condition, condition, function (v) { modeling.updateProperties(element, { conditionExpression: expression(v) }); }, "code");
      var source = element.source && element.source.businessObject;
      if (source && /(Exclusive|Inclusive)Gateway$/.test(source.$type)) {
        var box = document.createElement("input");
        box.type = "checkbox";
        box.className = "form-check-input ms-2";
        box.checked = source.default === bo;
        box.addEventListener("change", function () {
          modeling.updateProperties(element.source, { "default": box.checked ? bo : undefined });
        });
        field(words.isDefault, box);
      }
    }
    var timer = (bo.eventDefinitions || []).filter(function (d) { return d.$type === "bpmn:TimerEventDefinition"; })[0];
    if (timer) {
      var current = timer.timeDate || timer.timeDuration || timer.timeCycle;
      input(words.timer, current ? current.body : "", function (v) {
        modeling.updateModdleProperties(element, timer, { timeDate: expression(v), timeDuration: undefined, timeCycle: undefined });
      });
    }
  }

  // Retries of a transient failure (app.workflow.failures: tries in all 1–10, first wait 1–86400 s, growth
  // 1–10; the server refuses out-of-range values at publish) and whether an operator may skip the step.
  function retryFields(element) {
    [["retries", words.retries], ["retryBackoff", words.retryBackoff], ["retryMultiplier", words.retryMultiplier]]
      .forEach(function (pair) {
        var control = input(pair[1], spiffProperty(element, pair[0]), function (v) { setSpiffProperty(element, pair[0], v); });
        control.inputMode = "decimal";
      });
    var box = document.createElement("input");
    box.type = "checkbox";
    box.className = "form-check-input ms-2";
    box.checked = spiffProperty(element, "skippable") === "true";
    box.addEventListener("change", function () { setSpiffProperty(element, "skippable", box.checked ? "true" : ""); });
    field(words.skippable, box);
  }

  function signingFields(element) {
    var signing = extension(element, "lienthong:Signing", false);
    choice(words.signing, signing ? signing.kind : "", ["signer", "organization"], function (v) {
      if (!v) removeExtension(element, "lienthong:Signing");
      else modeling.updateModdleProperties(element, extension(element, "lienthong:Signing", true),
        { kind: v, document: (signing && signing.document) || "main" });
      render(element);
    }, {"": words.signingNone, signer: words.signer, organization: words.organization});
    if (!signing) return;
    input(words.document, signing.document, function (v) {
      modeling.updateModdleProperties(element, signing, { document: v || "main" });
    });
    input(words.returnCondition, signing.returnCondition, function (v) {
      modeling.updateModdleProperties(element, signing, { returnCondition: v || undefined });
    });
  }

  // --- problems -----------------------------------------------------------------------------------
  var marked = [];
  function showProblems(problems, checked) {
    var list = document.getElementById("problems");
    list.replaceChildren();
    marked.forEach(function (id) { if (registry.get(id)) canvas.removeMarker(id, "lt-problem"); });
    marked = [];
    if (!problems.length) {
      var ok = document.createElement("li");
      ok.className = "list-group-item " + (checked ? "list-group-item-success" : "text-muted");
      ok.textContent = checked ? list.dataset.none : list.dataset.unchecked;
      list.appendChild(ok);
      return;
    }
    problems.forEach(function (problem) {
      var item = document.createElement("li");
      item.className = "list-group-item list-group-item-danger";
      var where = document.createElement("button");
      where.type = "button";
      where.className = "btn btn-link btn-sm p-0 me-2 font-monospace";
      where.textContent = problem.element_id || "—";
      var target = problem.element_id && registry.get(problem.element_id);
      if (target) {
        canvas.addMarker(problem.element_id, "lt-problem");
        marked.push(problem.element_id);
        where.addEventListener("click", function () {
          modeler.get("selection").select(target);
          canvas.scrollToElement(target);
        });
      }
      item.append(where, document.createTextNode(problem.message));
      list.appendChild(item);
    });
  }

  function save() {
    var status = document.getElementById("save-status");
    status.textContent = words.saving;
    status.className = "small text-muted";
    modeler.saveXML({ format: true }).then(function (result) {
      return fetch(container.dataset.save, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": container.dataset.csrf },
        body: JSON.stringify({ xml: result.xml, lockVersion: lockVersion })
      });
    }).then(function (response) {
      return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
    }).then(function (reply) {
      if (!reply.ok) throw new Error(reply.answer.error || "");
      lockVersion = reply.answer.lockVersion;
      status.textContent = words.saved;
      status.className = "small text-success";
      showProblems(reply.answer.problems, true);
    }).catch(function (error) {
      status.textContent = words.failed + " " + error.message;
      status.className = "small text-danger";
    });
  }

  fetch(container.dataset.source, { credentials: "same-origin" })
    .then(function (response) { return response.text(); })
    .then(function (xml) { return modeler.importXML(xml); })
    .then(function () {
      canvas.zoom("fit-viewport");
      container.dataset.ready = "1";
      showProblems(settings.problems, settings.lockVersion > 0);
    })
    .catch(function () { container.textContent = container.dataset.failed; });

  modeler.get("eventBus").on("selection.changed", function (event) { render(event.newSelection[0] || null); });
  modeler.get("eventBus").on("elements.changed", function (event) {
    // Keep the panel on the element after a change made elsewhere (undo, the canvas' own label editing).
    if (selected && event.elements.indexOf(selected) >= 0 && !panel.contains(document.activeElement)) render(selected);
  });
  document.getElementById("save-draft").addEventListener("click", save);
  window.lienThongModeler = modeler; // for the browser tests and the curious designer's console
})();
