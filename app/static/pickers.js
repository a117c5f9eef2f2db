// Searchable pickers. A task form's select (data-picker) where many can be chosen, or with many options, or whose
// people depend on a unit, becomes a Tom Select box (from npm, served by /vendor/): type part of a name, with or
// without accents ("noi vu" finds "Sở Nội vụ"), and pick; groups (departments, kinds of agency) stay as headings.
// Without JavaScript the plain select works as before.
// A people picker with data-unit-field lists only the people of the unit chosen in that field.
(function () {
  "use strict";
  var MANY_OPTIONS = 10;
  var texts = (document.currentScript && document.currentScript.dataset) || {};

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function narrowByUnit(select) {
    var unitField = document.getElementById(select.dataset.unitField);
    if (!unitField) return;
    var everyone = select.cloneNode(true);
    function apply() {
      var unit = unitField.value;
      var chosen = Array.from(select.selectedOptions).map(function (option) { return option.value; });
      var offered = everyone.cloneNode(true);
      offered.querySelectorAll("option").forEach(function (option) {
        if (unit && option.value && (option.dataset.unit || "") !== unit) option.remove();
        else option.selected = chosen.indexOf(option.value) >= 0;
      });
      offered.querySelectorAll("optgroup").forEach(function (group) {
        if (!group.querySelector("option")) group.remove();
      });
      select.replaceChildren.apply(select, Array.from(offered.childNodes));
      if (select.tomselect) {
        select.tomselect.clear(true);
        select.tomselect.clearOptions();
        select.tomselect.sync();
      }
    }
    unitField.addEventListener("change", apply);
    apply();
  }

  function enhance(select) {
    if (select.tomselect) return;
    if (!select.multiple && select.options.length <= MANY_OPTIONS && !select.dataset.unitField) return;
    new TomSelect(select, {
      plugins: select.multiple ? ["remove_button"] : [],
      maxOptions: null,
      refreshThrottle: 0,  // the options are on the page: filter at each key, no server to spare
      allowEmptyOption: !select.multiple,
      closeAfterSelect: !select.multiple,
      hidePlaceholder: true,
      placeholder: texts.placeholder,
      lockOptgroupOrder: true,
      render: {
        no_results: function () { return '<div class="no-results">' + escapeHtml(texts.noResults || "") + "</div>"; },
      },
    });
  }

  document.querySelectorAll("select[data-unit-field]").forEach(narrowByUnit);
  if (typeof TomSelect === "undefined") return;
  document.querySelectorAll("select[data-picker]").forEach(enhance);
})();
