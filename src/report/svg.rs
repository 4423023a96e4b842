//! Small SVG charts for self-contained reports: a line chart of shares against
//! hours, grouped bars of shares, and a road map with coloured points. Output is
//! plain text with fixed number formats, so the same figures give the same bytes.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::network::geo::Area;
use crate::network::RoadGraph;

/// Escapes text for XML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One named series: `(label, colour, points)`.
pub type Series<'a> = (&'a str, &'a str, Vec<(f64, f64)>);

const W: f64 = 640.0;
const H: f64 = 320.0;
const L: f64 = 50.0;
const B: f64 = 40.0;

fn axes(out: &mut String, title: &str, x_max: f64, x_step: f64) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="11">"#
    );
    let _ = write!(
        out,
        r#"<text x="{}" y="16" font-size="13" font-weight="bold">{}</text>"#,
        L,
        esc(title)
    );
    let (pw, ph) = (W - L - 20.0, H - B - 30.0);
    for k in 0..=4 {
        let y = 30.0 + ph - ph * f64::from(k) / 4.0;
        let _ = write!(
            out,
            r##"<line x1="{L}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}%</text>"##,
            L + pw,
            L - 4.0,
            y + 4.0,
            k * 25
        );
    }
    if x_max > 0.0 {
        let mut x = 0.0;
        while x <= x_max + 1e-9 {
            let px = L + pw * x / x_max;
            let _ = write!(
                out,
                r#"<text x="{px:.1}" y="{:.1}" text-anchor="middle">{x}</text>"#,
                H - B + 14.0
            );
            x += x_step;
        }
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">hours after the event</text>"#,
            L + pw / 2.0,
            H - 8.0
        );
    }
}

/// A line chart of shares (0–1) against hours (0–`x_max`), with dashed vertical
/// markers (e.g. the 6 h and 12 h deadlines).
pub fn line_chart(title: &str, series: &[Series], x_max: f64, markers: &[f64]) -> String {
    let mut out = String::new();
    axes(&mut out, title, x_max, 2.0);
    let (pw, ph) = (W - L - 20.0, H - B - 30.0);
    let px = |x: f64| L + pw * x / x_max;
    let py = |y: f64| 30.0 + ph - ph * y.clamp(0.0, 1.0);
    for &m in markers {
        let _ = write!(
            out,
            r##"<line x1="{0:.1}" y1="30" x2="{0:.1}" y2="{1:.1}" stroke="#999" stroke-dasharray="4 3"/><text x="{0:.1}" y="28" text-anchor="middle">{2} h</text>"##,
            px(m),
            30.0 + ph,
            m
        );
    }
    for (k, (label, colour, pts)) in series.iter().enumerate() {
        let d: Vec<String> = pts
            .iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
            .collect();
        let _ = write!(
            out,
            r#"<polyline fill="none" stroke="{colour}" stroke-width="2" points="{}"/>"#,
            d.join(" ")
        );
        for &(x, y) in pts {
            let _ = write!(
                out,
                r#"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="{colour}"><title>{}: {x} h, {:.1} %</title></circle>"#,
                px(x),
                py(y),
                esc(label),
                100.0 * y
            );
        }
        let ly = 44.0 + 14.0 * k as f64;
        let _ = write!(
            out,
            r#"<rect x="{:.1}" y="{:.1}" width="10" height="10" fill="{colour}"/><text x="{:.1}" y="{:.1}">{}</text>"#,
            L + pw - 190.0,
            ly - 9.0,
            L + pw - 175.0,
            ly,
            esc(label)
        );
    }
    out.push_str("</svg>");
    out
}

/// Grouped bars of shares (0–1): one group per category, one bar per series.
pub fn bar_chart(title: &str, categories: &[String], series: &[(&str, &str, Vec<f64>)]) -> String {
    let mut out = String::new();
    axes(&mut out, title, 0.0, 1.0);
    let (pw, ph) = (W - L - 20.0, H - B - 30.0);
    let n = categories.len().max(1) as f64;
    let group = pw / n;
    let bw = (group * 0.8) / series.len().max(1) as f64;
    for (c, cat) in categories.iter().enumerate() {
        let gx = L + group * c as f64 + group * 0.1;
        for (k, (label, colour, v)) in series.iter().enumerate() {
            let y = v.get(c).copied().unwrap_or(0.0).clamp(0.0, 1.0);
            let h = ph * y;
            let _ = write!(
                out,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="{colour}"><title>{}, {}: {:.1} %</title></rect>"#,
                gx + bw * k as f64,
                30.0 + ph - h,
                bw.max(1.0),
                esc(cat),
                esc(label),
                100.0 * y
            );
        }
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            gx + group * 0.4,
            H - B + 14.0,
            esc(cat)
        );
    }
    for (k, (label, colour, _)) in series.iter().enumerate() {
        let lx = L + 10.0 + 170.0 * k as f64;
        let _ = write!(
            out,
            r#"<rect x="{lx:.1}" y="{:.1}" width="10" height="10" fill="{colour}"/><text x="{:.1}" y="{:.1}">{}</text>"#,
            H - 18.0,
            lx + 14.0,
            H - 9.0,
            esc(label)
        );
    }
    out.push_str("</svg>");
    out
}

/// A point on the map: `[lon, lat]`, colour, tooltip.
pub type MapPoint = ([f64; 2], String, String);

/// The road graph as one grey path (segments merged per pixel), named boundary
/// outlines (clipped to the map), shelters as coloured dots and warehouses as black
/// squares, fitted to `width` pixels.
pub fn road_map(
    graph: &RoadGraph,
    width: f64,
    outlines: &[(String, &Area)],
    shelters: &[MapPoint],
    warehouses: &[MapPoint],
) -> String {
    let n = graph.node_count();
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for u in 0..n {
        x0 = x0.min(graph.lon[u]);
        x1 = x1.max(graph.lon[u]);
        y0 = y0.min(graph.lat[u]);
        y1 = y1.max(graph.lat[u]);
    }
    let kx = ((y0 + y1) / 2.0).to_radians().cos();
    let scale = width / ((x1 - x0) * kx).max(1e-9);
    let height = ((y1 - y0) * scale).ceil();
    let p = |q: [f64; 2]| {
        (
            ((q[0] - x0) * kx * scale).round() as i32,
            ((y1 - q[1]) * scale).round() as i32,
        )
    };
    let mut segs: BTreeSet<((i32, i32), (i32, i32))> = BTreeSet::new();
    for e in 0..graph.edge_count() {
        let a = p(graph.coord(graph.tail[e]));
        let b = p(graph.coord(graph.head[e]));
        if a != b {
            segs.insert(if a < b { (a, b) } else { (b, a) });
        }
    }
    let mut d = String::new();
    for (a, b) in segs {
        let _ = write!(d, "M{} {}L{} {}", a.0, a.1, b.0, b.1);
    }
    let mut out = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11"><rect width="100%" height="100%" fill="#fafafa"/><path d="{d}" stroke="#bbb" stroke-width="0.6" fill="none"/>"##
    );
    for (name, area) in outlines {
        let mut d = String::new();
        for poly in &area.polygons {
            for (k, q) in poly.rings[0].iter().enumerate() {
                let (x, y) = p(*q);
                let _ = write!(d, "{}{x} {y}", if k == 0 { "M" } else { "L" });
            }
            d.push('Z');
        }
        let _ = write!(
            out,
            r##"<path d="{d}" fill="none" stroke="#6a51a3" stroke-width="1.2" stroke-dasharray="6 3"><title>{}</title></path>"##,
            esc(name)
        );
    }
    for (q, colour, tip) in shelters {
        let (x, y) = p(*q);
        let _ = write!(
            out,
            r##"<circle cx="{x}" cy="{y}" r="3.5" fill="{colour}" stroke="#333" stroke-width="0.4"><title>{}</title></circle>"##,
            esc(tip)
        );
    }
    for (q, colour, tip) in warehouses {
        let (x, y) = p(*q);
        let _ = write!(
            out,
            r#"<rect x="{}" y="{}" width="8" height="8" fill="{colour}"><title>{}</title></rect>"#,
            x - 4,
            y - 4,
            esc(tip)
        );
    }
    out.push_str("</svg>");
    out
}
