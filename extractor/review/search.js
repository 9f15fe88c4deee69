// Search by body name and filter by province, year and finding code, over the index embedded in index.html.
// Without this script the pages read as they are: the report list shows every report.
(function () {
  "use strict";
  var form = document.getElementById("search");
  var data = document.getElementById("search-index");
  if (!form || !data) { return; }
  var index = JSON.parse(data.textContent);
  var q = document.getElementById("q");
  var province = document.getElementById("province");
  var year = document.getElementById("year");
  var code = document.getElementById("code");
  var shown = document.getElementById("shown");
  var grid = document.querySelectorAll("#coverage-grid tbody tr");

  function apply() {
    var words = q.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var count = 0;
    index.forEach(function (entry) {
      var names = entry.names.toLowerCase();
      var match = words.every(function (w) { return names.indexOf(w) >= 0; }) &&
        (!province.value || entry.province === province.value) &&
        (!year.value || entry.year === year.value) &&
        (!code.value || entry.codes.indexOf(code.value) >= 0);
      document.getElementById(entry.row).hidden = !match;
      if (match) { count += 1; }
    });
    grid.forEach(function (row) {
      var names = (row.getAttribute("data-names") || "").toLowerCase();
      row.hidden = !words.every(function (w) { return names.indexOf(w) >= 0; });
    });
    shown.textContent = "显示 " + count + " / " + index.length + " 份报告";
  }

  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  [q, province, year, code].forEach(function (control) {
    control.addEventListener("input", apply);
    control.addEventListener("change", apply);
  });
  apply();
}());
