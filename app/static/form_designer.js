// Form editor: the preview follows the JSON Schema and UI schema as they are typed (rendered by the server,
// with the same widgets staff see); nothing is saved until "Lưu vào bản nháp".
(function () {
  var form = document.getElementById("form-designer");
  if (!form) return;
  var preview = document.getElementById("form-preview");
  var timer = null;
  function refresh() {
    var body = new FormData(form);
    body.set("action", "preview");
    fetch(form.dataset.preview, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) { preview.innerHTML = html; });
  }
  form.addEventListener("input", function (event) {
    if (event.target.id !== "schema" && event.target.id !== "ui") return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 500);
  });
})();
