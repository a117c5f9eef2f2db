// Irreversible actions ask first (no inline handlers: the Content-Security-Policy forbids them).
// A form with data-confirm asks on submit; so does a checked radio or selected option carrying data-confirm.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var questions = [];
  if (form.dataset.confirm) questions.push(form.dataset.confirm);
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
