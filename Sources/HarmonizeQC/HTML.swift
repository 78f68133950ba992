import Foundation
import HarmonizeVolume

/// Text made safe for HTML element content and attribute values.
func html(_ text: String) -> String {
  var out = ""
  out.reserveCapacity(text.count)
  for character in text {
    switch character {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    case "'": out += "&#39;"
    default: out.append(character)
    }
  }
  return out
}

/// The report's style and its one script (sorting the overview table by a column), inline: the report opens from
/// disk with no server and no network.
enum ReportAssets {
  static let style = """
    body{font:14px/1.4 system-ui,sans-serif;margin:16px;background:#fafafa;color:#222}
    h1{font-size:20px}h2{font-size:16px;margin-top:20px}
    table{border-collapse:collapse;background:#fff}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:middle}
    th{background:#eee;cursor:pointer}tr.error td{background:#fde0e0}tr.warning td{background:#fff3cd}
    .sev-error{color:#b00020;font-weight:bold}.sev-warning{color:#8a6d00;font-weight:bold}.sev-note{color:#555}
    .views{display:flex;gap:8px;flex-wrap:wrap;align-items:flex-end}.views figure{margin:0}
    .views img{background:#000;display:block}figcaption{font-size:12px;color:#555}
    .swatch{display:inline-block;width:12px;height:12px;border:1px solid #333;margin-right:4px;vertical-align:middle}
    .muted{color:#666;font-size:12px}
    """

  static let sortScript = """
    document.querySelectorAll('table.sortable th').forEach(function (th, column) {
      th.addEventListener('click', function () {
        var body = th.closest('table').tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var ascending = th.dataset.order !== 'asc';
        th.dataset.order = ascending ? 'asc' : 'desc';
        rows.sort(function (a, b) {
          var x = a.cells[column].dataset.sort || a.cells[column].textContent;
          var y = b.cells[column].dataset.sort || b.cells[column].textContent;
          var nx = parseFloat(x), ny = parseFloat(y);
          var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
          return ascending ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
    """
}

/// Millilitres with three decimals (a 0.5 mm voxel is 0.000125 mL).
func millilitres(_ value: Double) -> String { String(format: "%.3f", value) }
