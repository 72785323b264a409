/** The HTML report's inline style sheet. */
export const HTML_REPORT_STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; padding: 28px 40px 40px; background: #f3f4f6; color: #111827;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header h1 { margin: 0; font-size: 26px; letter-spacing: -0.01em; }
header .sub { margin: 4px 0 20px; color: #6b7280; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; margin-bottom: 16px; }
.kpi { background: #fff; border-radius: 10px; padding: 14px 16px; box-shadow: 0 1px 2px rgba(0,0,0,.06); border-top: 3px solid #3b78d8; }
.kpi.good { border-top-color: #2f9e6e; }
.kpi.warn { border-top-color: #e08a2c; }
.kpi .label { color: #6b7280; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.kpi .value { font-size: 24px; font-weight: 700; margin: 2px 0; font-variant-numeric: tabular-nums; }
.kpi .detail { color: #4b5563; font-size: 12px; }
.card { background: #fff; border-radius: 10px; padding: 18px 20px; margin-bottom: 16px; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
.card h2 { margin: 0 0 2px; font-size: 17px; }
.hint { margin: 0 0 10px; color: #6b7280; font-size: 12.5px; }
.big { font-size: 16px; margin: 6px 0 10px; }
.big strong { color: #2f9e6e; font-size: 22px; }
svg .mark:hover { opacity: .78; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; border-bottom: 1px solid #e5e7eb; text-align: left; white-space: nowrap; }
th { color: #374151; font-weight: 600; cursor: pointer; user-select: none; background: #f9fafb; }
th.num, td.num { text-align: right; }
th[data-dir="asc"]::after { content: " ▲"; font-size: 10px; }
th[data-dir="desc"]::after { content: " ▼"; font-size: 10px; }
tbody tr:hover { background: #f9fafb; }
footer { color: #6b7280; font-size: 12px; margin-top: 8px; }
@media print { body { background: #fff; padding: 0; } .card, .kpi { box-shadow: none; border: 1px solid #e5e7eb; } }
`;

/**
 * The inline script: click a column header to sort a table; and, once laid out, count the charts
 * whose marks the browser actually drew (non-empty boxes) into <html data-rendered="N">, with each
 * chart's own count in data-marks-drawn, so a headless browser can check the page.
 */
export const HTML_REPORT_SCRIPT = `
(function () {
  var drawn = 0;
  Array.prototype.forEach.call(document.querySelectorAll("svg[data-chart]"), function (svg) {
    var visible = 0;
    Array.prototype.forEach.call(svg.querySelectorAll(".mark"), function (mark) {
      var box = mark.getBBox();
      if (box.width > 0 && box.height > 0) visible++;
    });
    svg.setAttribute("data-marks-drawn", String(visible));
    if (visible > 0) drawn++;
  });
  document.documentElement.setAttribute("data-rendered", String(drawn));

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var headers = table.querySelectorAll("th");
    Array.prototype.forEach.call(headers, function (th, column) {
      th.addEventListener("click", function () {
        var descending = th.getAttribute("data-dir") !== "desc";
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("data-dir"); });
        th.setAttribute("data-dir", descending ? "desc" : "asc");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (row) {
          var cell = row.cells[column];
          var sort = cell.getAttribute("data-sort");
          return sort === null ? cell.textContent : parseFloat(sort);
        };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          var order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
`;
