//! The audit's printed summary: the figures an auditor reads first; the rest is in
//! `audit.html`.

use std::fmt::Write;

use crate::audit::Audit;

/// The summary text of `a`.
pub fn render(a: &Audit) -> String {
    let mut s = String::new();
    let pct = |x: f64| format!("{:.1} %", 100.0 * x);
    let c = &a.coverage[0];
    let _ = writeln!(
        s,
        "audit {} — {} persons in {} shelters ({} places)",
        a.scenario, c.persons, c.shelters, c.places
    );
    let _ = writeln!(
        s,
        "  people covered: first batch by {} h {}, relief by 10 h {}, by 12 h {}",
        a.first_deadline_h,
        pct(c.persons_first),
        pct(c.persons_relief_10h),
        pct(c.persons_relief_12h)
    );
    let n = &a.stock_norms;
    let _ = writeln!(
        s,
        "  stock: full relief for {:.0} persons ({} runs out first); 1.2 % norm {}; 1 % norm {}",
        n.persons_covered,
        n.scarcest_item,
        n.meets_life_support
            .map_or("unknown (no population)", |b| if b {
                "met"
            } else {
                "NOT met"
            }),
        n.meets_relocation
            .map_or("unknown (no population)", |b| if b {
                "met"
            } else {
                "NOT met"
            })
    );
    let t = &a.two_level_one;
    let _ = writeln!(
        s,
        "  {}: {} — worst of {} placements meets {} of relief",
        t.test,
        if t.passes {
            "stock sufficient"
        } else {
            "stock NOT sufficient"
        },
        t.placements,
        pct(t.worst.relief_share)
    );
    let failing: Vec<&str> = a
        .district_level_two
        .iter()
        .filter(|s| !s.passes)
        .map(|s| s.test.rsplit(" in ").next().unwrap_or(""))
        .collect();
    let _ = writeln!(
        s,
        "  one Level-II per district from its own stock: {} of {} districts pass{}",
        a.district_level_two.len() - failing.len(),
        a.district_level_two.len(),
        if failing.is_empty() {
            String::new()
        } else {
            format!(" (failing: {})", failing.join(", "))
        }
    );
    if let Some((l, why)) = &a.response_level {
        let _ = writeln!(s, "  response level {} ({why})", l.as_str());
    }
    if let Some(w) = a
        .warehouse_lost
        .iter()
        .min_by(|x, y| x.first_share.total_cmp(&y.first_share))
    {
        let _ = writeln!(
            s,
            "  worst single warehouse loss: {} → first batch {}",
            w.name,
            pct(w.first_share)
        );
    }
    let _ = writeln!(s, "  {} data-quality finding(s)", a.findings.len());
    s
}
