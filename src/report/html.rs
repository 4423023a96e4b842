//! Pieces shared by the self-contained HTML reports: the CSS, tables, shares
//! and the arrival colour scale.

use std::fmt::Write;

use super::svg::esc;

/// The reports' shared CSS.
pub(crate) const STYLE: &str = "body{font-family:sans-serif;max-width:1100px;margin:20px auto;color:#222}table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#eee}td:first-child{text-align:left}.ok{color:#1a7f37}.bad{color:#c62828}.kpi{display:inline-block;border:1px solid #ccc;border-radius:6px;padding:8px 14px;margin:4px}.kpi b{font-size:22px;display:block}";

/// A share as a percentage with one decimal.
pub(crate) fn pct(x: f64) -> String {
    format!("{:.1} %", 100.0 * x)
}

/// An HTML table (cells are already escaped HTML).
pub(crate) fn table(head: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut s = String::from("<table><tr>");
    for h in head {
        let _ = write!(s, "<th>{}</th>", esc(h));
    }
    s.push_str("</tr>");
    for r in rows {
        s.push_str("<tr>");
        for c in r {
            let _ = write!(s, "<td>{c}</td>");
        }
        s.push_str("</tr>");
    }
    s.push_str("</table>");
    s
}

/// Colour of a shelter by hours to its first batch (None: none by the deadline).
pub fn arrival_colour(h: Option<f64>, deadline_h: f64) -> &'static str {
    match h {
        Some(h) if h <= deadline_h / 3.0 => "#1a9850",
        Some(h) if h <= 2.0 * deadline_h / 3.0 => "#fee08b",
        Some(h) if h <= deadline_h => "#fc8d59",
        _ => "#d73027",
    }
}
