//! `reliefflow audit <scenario-dir> [-o dir]`: the auditor's command.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use reliefflow::audit::{run_audit, AuditOptions};
use reliefflow::network::{load_graph, CacheMode, Profile};
use reliefflow::report::{audit_files, audit_html};
use reliefflow::scenario::Scenario;

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// Scenario folder (with scenario.toml; population.csv for per-resident figures).
    scenario: PathBuf,
    /// Output folder (default: out/<scenario name>/audit/).
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
    /// Candidate epicentres for the two-Level-I sweep (every pair is planned).
    #[arg(long, default_value_t = AuditOptions::default().epicentres)]
    epicentres: usize,
    /// Busiest roads closed one at a time.
    #[arg(long, default_value_t = AuditOptions::default().top_roads)]
    top_roads: usize,
}

pub fn run(args: AuditArgs) -> Result<()> {
    let dir = &args.scenario;
    let sc = Scenario::load_lenient(dir)
        .with_context(|| format!("loading scenario {}", dir.display()))?;
    let g = load_graph(&sc.network, &Profile::default(), CacheMode::Use)
        .with_context(|| format!("road network of scenario {}", dir.display()))?
        .graph;
    let opts = AuditOptions {
        epicentres: args.epicentres,
        top_roads: args.top_roads,
        ..AuditOptions::default()
    };
    let a = run_audit(&sc, &g, &opts, true)?;
    let out = args
        .output
        .unwrap_or_else(|| PathBuf::from("out").join(&sc.name).join("audit"));
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    audit_files::write_json(&out.join("audit.json"), &sc, &a)?;
    audit_files::write_csv(&out.join("audit.csv"), &a)?;
    audit_html::write_html(&out.join("audit.html"), &sc, &g, &a)?;
    let pct = |x: f64| format!("{:.1} %", 100.0 * x);
    let c = &a.coverage[0];
    println!(
        "audit {} — {} persons in {} shelters ({} places)",
        a.scenario, c.persons, c.shelters, c.places
    );
    println!(
        "  people covered: first batch by {} h {}, relief by 10 h {}, by 12 h {}",
        a.first_deadline_h,
        pct(c.persons_first),
        pct(c.persons_relief_10h),
        pct(c.persons_relief_12h)
    );
    let n = &a.stock_norms;
    println!(
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
    println!(
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
    println!(
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
        println!("  response level {} ({why})", l.as_str());
    }
    if let Some(w) = a
        .warehouse_lost
        .iter()
        .min_by(|x, y| x.first_share.total_cmp(&y.first_share))
    {
        println!(
            "  worst single warehouse loss: {} → first batch {}",
            w.name,
            pct(w.first_share)
        );
    }
    println!("  {} data-quality finding(s)", a.findings.len());
    println!(
        "  wrote audit.json, audit.csv, audit.html to {} ({} plans, {:.1} s)",
        out.display(),
        a.plans,
        a.seconds
    );
    Ok(())
}
