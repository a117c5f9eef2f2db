// Irreversible actions ask first (no inline handlers: the Content-Security-Policy forbids them).
// A form with data-confirm asks on submit; so does a checked radio or selected option carrying data-confirm.
// Required fields are checked before any question: asking "Từ chối tiếp nhận?" and then refusing the answer
// for a missing reason makes people confirm twice. The server checks everything again and stays the judge.

var MESSAGES = document.body.dataset;

function controlsOf(form, name) {
  return Array.prototype.filter.call(form.elements, function (el) { return el.name === name; });
}

// An empty value is a real answer when the form says so (data-choice, e.g. "Ký trực tiếp" = ""), not when it
// is the "— Chọn —" placeholder.
function chosen(el) {
  return el.value.trim() !== "" || el.hasAttribute("data-choice");
}

function valuesOf(form, name) {
  var values = [];
  controlsOf(form, name).forEach(function (el) {
    if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
    if (el.tagName === "SELECT") {
      Array.prototype.forEach.call(el.selectedOptions, function (o) { if (chosen(o)) values.push(o.value); });
    } else if (chosen(el)) {
      values.push(el.value.trim());
    }
  });
  return values;
}

function labelOf(el) {
  var label = el.id && document.querySelector('label[for="' + el.id + '"]');
  return label ? label.textContent.replace("*", "").trim() : el.name;
}

// The fields to check: task-form fields carry data-field (with their conditions); other forms use `required`.
function checksOf(form) {
  var checks = [];
  form.querySelectorAll("[data-field]").forEach(function (box) {
    var rule = box.dataset.requiredIf ? JSON.parse(box.dataset.requiredIf) : null;
    var active = rule ? rule.values.some(function (v) { return valuesOf(form, rule.name).indexOf(v) >= 0; }) : false;
    checks.push({name: box.dataset.field, label: box.dataset.label, box: box,
                 required: box.hasAttribute("data-required") || active,
                 min: active && rule.min ? rule.min : Number(box.dataset.min || 0),
                 minMessage: box.dataset.minMessage});
  });
  form.querySelectorAll("[required]").forEach(function (el) {
    if (el.closest("[data-field]") || checks.some(function (c) { return c.name === el.name; })) return;
    checks.push({name: el.name, label: labelOf(el), box: el.parentNode, required: true, min: 0});
  });
  return checks;
}

function problemsOf(form) {
  var problems = [];
  checksOf(form).forEach(function (check) {
    var values = valuesOf(form, check.name);
    if (!values.length && check.required) {
      problems.push({check: check, message: MESSAGES.msgRequired});
    } else if (values.length && check.min && values[0].length < check.min) {
      problems.push({check: check, message: check.minMessage});
    }
  });
  return problems;
}

function clearProblems(form) {
  form.querySelectorAll("[data-client-error]").forEach(function (el) { el.remove(); });
  form.querySelectorAll(".is-invalid[data-client-invalid]").forEach(function (el) {
    el.classList.remove("is-invalid");
    el.removeAttribute("aria-invalid");
    el.removeAttribute("data-client-invalid");
  });
}

function showProblems(form, problems) {
  var summary = document.createElement("div");
  summary.className = "alert alert-danger";
  summary.setAttribute("role", "alert");
  summary.setAttribute("data-client-error", "");
  var title = document.createElement("p");
  title.className = "fw-semibold mb-1";
  title.textContent = MESSAGES.msgSummary;
  var list = document.createElement("ul");
  list.className = "mb-0";
  summary.append(title, list);
  var first = null;
  problems.forEach(function (problem) {
    var controls = controlsOf(form, problem.check.name).filter(function (el) { return el.type !== "hidden"; });
    controls.forEach(function (el) {
      if (!el.classList.contains("is-invalid")) el.setAttribute("data-client-invalid", "");
      el.classList.add("is-invalid");
      el.setAttribute("aria-invalid", "true");
    });
    var feedback = document.createElement("div");
    feedback.className = "invalid-feedback d-block";
    feedback.setAttribute("data-client-error", "");
    feedback.textContent = problem.message;
    problem.check.box.appendChild(feedback);
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.className = "alert-link";
    link.href = controls.length && controls[0].id ? "#" + controls[0].id : "#";
    link.textContent = problem.check.label + ": " + problem.message;
    item.appendChild(link);
    list.appendChild(item);
    first = first || controls[0];
  });
  var old = form.querySelector("[data-error-summary]");
  if (old) old.remove();
  var anchor = form.querySelector('input[type="hidden"][name="csrf_token"]');
  form.insertBefore(summary, anchor ? anchor.nextSibling : form.firstChild);
  focusField(first);
}

function focusField(el) {
  if (!el) return;
  el.focus({preventScroll: true});
  el.scrollIntoView({block: "center"});
}

// The browser's own required-field bubbles speak the browser's language; these speak Vietnamese.
document.querySelectorAll("form").forEach(function (form) {
  if (form.querySelector("[required]")) form.noValidate = true;
});

document.addEventListener("submit", function (event) {
  var form = event.target;
  clearProblems(form);
  var problems = problemsOf(form);
  if (problems.length) {
    event.preventDefault();
    showProblems(form, problems);
    return;
  }
  var questions = [];
  if (form.dataset.confirm) questions.push(form.dataset.confirm);
  // A form with two actions asks only for the one pressed (e.g. a dry run next to the real move).
  if (event.submitter && event.submitter.dataset.confirm) questions.push(event.submitter.dataset.confirm);
  form.querySelectorAll("input[data-confirm]:checked, option[data-confirm]:checked").forEach(function (el) {
    questions.push(el.dataset.confirm);
  });
  for (var i = 0; i < questions.length; i++) {
    if (!window.confirm(questions[i])) { event.preventDefault(); return; }
  }
  // Slow steps (signing) show that they are working, and a second click cannot send the form again.
  form.querySelectorAll("button[data-busy]").forEach(function (button) {
    button.textContent = button.dataset.busy;
    setTimeout(function () { button.disabled = true; }, 0);
  });
});

// A refused answer comes back with the server's summary: go to the first field to correct.
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-error-summary] a[href^='#'], [data-client-error] a[href^='#']");
  if (!link || link.getAttribute("href") === "#") return;
  event.preventDefault();
  focusField(document.getElementById(link.getAttribute("href").slice(1)));
});
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  var form = summary.closest("form");
  focusField(form.querySelector("[aria-invalid='true']") || summary);
})();

// The document viewer is hidden below the lg width; a hidden <object> would still download the whole PDF, so
// it gets its document only on a wide screen (and when a window is widened).
(function () {
  var wide = window.matchMedia("(min-width: 992px)");
  function load() {
    if (!wide.matches) return;
    document.querySelectorAll("object[data-pdf-src]:not([data])").forEach(function (viewer) {
      viewer.setAttribute("data", viewer.dataset.pdfSrc);
    });
  }
  load();
  wide.addEventListener("change", load);
})();

// "In" prints the PDF itself (the browser's viewer in a hidden frame) rather than the page around it; on
// phones, which show no PDF inside a page, the link opens the document where the system can print it.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[data-print-pdf]");
  if (!link || !window.matchMedia("(min-width: 992px)").matches) return;
  event.preventDefault();
  var frame = document.createElement("iframe");
  frame.className = "visually-hidden";
  frame.tabIndex = -1;
  frame.setAttribute("aria-hidden", "true");
  frame.addEventListener("load", function () { frame.contentWindow.print(); });
  frame.src = link.href;
  document.body.appendChild(frame);
});
