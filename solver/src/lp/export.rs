//! LP (CPLEX format) and free-MPS writers, readable by HiGHS, CBC, GLPK and
//! OR-Tools.

use std::io::Write;

use super::model::{LinearModel, Relation, Sense};

fn num(x: f64) -> String {
    if x == f64::INFINITY {
        "inf".into()
    } else if x == f64::NEG_INFINITY {
        "-inf".into()
    } else {
        format!("{x}")
    }
}

/// Writes `m` in CPLEX LP format.
pub fn write_lp(m: &LinearModel, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "\\ {}", m.name)?;
    writeln!(
        out,
        "{}",
        if m.sense == Sense::Minimise {
            "Minimize"
        } else {
            "Maximize"
        }
    )?;
    write!(out, " obj:")?;
    let mut any = false;
    for v in m.vars.iter().filter(|v| v.cost != 0.0) {
        write!(
            out,
            " {} {} {}",
            if v.cost < 0.0 { "-" } else { "+" },
            num(v.cost.abs()),
            v.name
        )?;
        any = true;
    }
    if !any {
        write!(
            out,
            " 0 {}",
            m.vars.first().map_or("x", |v| v.name.as_str())
        )?;
    }
    writeln!(out, "\nSubject To")?;
    for c in &m.constraints {
        write!(out, " {}:", c.name)?;
        if c.terms.is_empty() {
            write!(
                out,
                " 0 {}",
                m.vars.first().map_or("x", |v| v.name.as_str())
            )?;
        }
        for &(v, a) in &c.terms {
            write!(
                out,
                " {} {} {}",
                if a < 0.0 { "-" } else { "+" },
                num(a.abs()),
                m.vars[v.0].name
            )?;
        }
        let rel = match c.relation {
            Relation::Le => "<=",
            Relation::Ge => ">=",
            Relation::Eq => "=",
        };
        writeln!(out, " {rel} {}", num(c.rhs))?;
    }
    writeln!(out, "Bounds")?;
    for v in &m.vars {
        if v.lower == f64::NEG_INFINITY && v.upper == f64::INFINITY {
            writeln!(out, " {} free", v.name)?;
        } else {
            writeln!(out, " {} <= {} <= {}", num(v.lower), v.name, num(v.upper))?;
        }
    }
    let ints: Vec<&str> = m
        .vars
        .iter()
        .filter(|v| v.integer)
        .map(|v| v.name.as_str())
        .collect();
    if !ints.is_empty() {
        writeln!(out, "General\n {}", ints.join(" "))?;
    }
    writeln!(out, "End")
}

/// Writes `m` in free MPS format (with `OBJSENSE MAX` for maximisation).
pub fn write_mps(m: &LinearModel, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "NAME {}", m.name)?;
    if m.sense == Sense::Maximise {
        writeln!(out, "OBJSENSE\n    MAX")?;
    }
    writeln!(out, "ROWS\n N obj")?;
    for c in &m.constraints {
        let t = match c.relation {
            Relation::Le => "L",
            Relation::Ge => "G",
            Relation::Eq => "E",
        };
        writeln!(out, " {t} {}", c.name)?;
    }
    // Column-wise coefficients.
    let mut cols: Vec<Vec<(usize, f64)>> = vec![Vec::new(); m.vars.len()];
    for (r, c) in m.constraints.iter().enumerate() {
        for &(v, a) in &c.terms {
            cols[v.0].push((r, a));
        }
    }
    writeln!(out, "COLUMNS")?;
    let mut in_int = false;
    for (j, v) in m.vars.iter().enumerate() {
        if v.integer != in_int {
            let marker = if v.integer { "INTORG" } else { "INTEND" };
            writeln!(out, "    MARKER 'MARKER' '{marker}'")?;
            in_int = v.integer;
        }
        writeln!(out, "    {} obj {}", v.name, num(v.cost))?;
        for &(r, a) in &cols[j] {
            writeln!(out, "    {} {} {}", v.name, m.constraints[r].name, num(a))?;
        }
    }
    if in_int {
        writeln!(out, "    MARKER 'MARKER' 'INTEND'")?;
    }
    writeln!(out, "RHS")?;
    for c in m.constraints.iter().filter(|c| c.rhs != 0.0) {
        writeln!(out, "    rhs {} {}", c.name, num(c.rhs))?;
    }
    writeln!(out, "BOUNDS")?;
    for v in &m.vars {
        match (v.lower, v.upper) {
            (l, u) if l == f64::NEG_INFINITY && u == f64::INFINITY => {
                writeln!(out, " FR bnd {}", v.name)?
            }
            (l, u) if l == u => writeln!(out, " FX bnd {} {}", v.name, num(l))?,
            (l, u) => {
                if l == f64::NEG_INFINITY {
                    writeln!(out, " MI bnd {}", v.name)?;
                } else if l != 0.0 {
                    writeln!(out, " LO bnd {} {}", v.name, num(l))?;
                }
                if u != f64::INFINITY {
                    writeln!(out, " UP bnd {} {}", v.name, num(u))?;
                }
            }
        }
    }
    writeln!(out, "ENDATA")
}

#[cfg(test)]
mod tests {
    use super::super::model::{LinearModel, Relation, Sense};
    use super::*;

    fn small() -> LinearModel {
        // max 3x + 2y s.t. x + y ≤ 4, x + 3y ≤ 6, x ≤ 3, y integer.
        let mut m = LinearModel::new("small", Sense::Maximise);
        let x = m.add_var("x", 0.0, 3.0, 3.0);
        let y = m.add_int_var("y", 0.0, f64::INFINITY, 2.0);
        m.add_constraint("c1", vec![(x, 1.0), (y, 1.0)], Relation::Le, 4.0);
        m.add_constraint("c2", vec![(x, 1.0), (y, 3.0)], Relation::Le, 6.0);
        m
    }

    #[test]
    fn solves_a_small_mip() {
        let s = small().solve().unwrap();
        assert!((s.objective - 11.0).abs() < 1e-6, "{s:?}");
    }

    #[test]
    fn writes_lp_and_mps() {
        let mut lp = Vec::new();
        write_lp(&small(), &mut lp).unwrap();
        let lp = String::from_utf8(lp).unwrap();
        assert!(
            lp.contains("Maximize")
                && lp.contains(" c2: + 1 x + 3 y <= 6")
                && lp.contains("General\n y"),
            "{lp}"
        );
        let mut mps = Vec::new();
        write_mps(&small(), &mut mps).unwrap();
        let mps = String::from_utf8(mps).unwrap();
        assert!(
            mps.contains("OBJSENSE\n    MAX")
                && mps.contains(" L c1")
                && mps.contains("UP bnd x 3"),
            "{mps}"
        );
        assert!(
            mps.contains("'INTORG'") && mps.contains("    y c2 3"),
            "{mps}"
        );
    }
}
