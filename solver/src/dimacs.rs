//! DIMACS minimum-cost-flow format (`p min`, `n`, `a` lines), read and write.
//!
//! ```text
//! c comment
//! p min <nodes> <arcs>
//! n <id> <supply>            (1-based ids; omitted nodes have supply 0)
//! a <tail> <head> <low> <cap> <cost>
//! ```
//! The reader works on the whole byte buffer with a hand-rolled integer scanner
//! (the read time counts when users time the command). Errors carry line numbers.

use std::io::Write;

use crate::mcf::{FlowNetwork, UNBOUNDED};

/// A malformed DIMACS file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DimacsError {
    /// No `p min` line before the first `n`/`a` line, or none at all.
    #[error("{}", if *.line == 0 { "no problem line `p min <nodes> <arcs>`".to_string() } else { format!("line {line}: missing the problem line `p min <nodes> <arcs>` before this one") })]
    MissingProblemLine {
        /// 1-based line number (0 for end of file).
        line: usize,
    },
    /// A field is not what was expected.
    #[error("line {line}: {message}")]
    BadLine {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The counts declared on the `p` line do not match the file.
    #[error("line {line}: the `p` line declares {declared} arcs but the file has {found}")]
    ArcCount {
        /// Line of the `p` line.
        line: usize,
        /// Declared.
        declared: usize,
        /// Found.
        found: usize,
    },
}

struct Fields<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
}

impl Fields<'_> {
    fn skip_spaces(&mut self) {
        while self.pos < self.bytes.len()
            && (self.bytes[self.pos] == b' '
                || self.bytes[self.pos] == b'\t'
                || self.bytes[self.pos] == b'\r')
        {
            self.pos += 1;
        }
    }

    fn int(&mut self, what: &str) -> Result<i64, DimacsError> {
        self.skip_spaces();
        let start = self.pos;
        let neg = self.bytes.get(self.pos) == Some(&b'-');
        if neg {
            self.pos += 1;
        }
        let mut v: i64 = 0;
        let digits_start = self.pos;
        while let Some(&c) = self.bytes.get(self.pos) {
            if !c.is_ascii_digit() {
                break;
            }
            v = v
                .checked_mul(10)
                .and_then(|v| v.checked_add(i64::from(c - b'0')))
                .ok_or_else(|| self.bad(format!("{what} does not fit in 64 bits")))?;
            self.pos += 1;
        }
        let end_ok = matches!(
            self.bytes.get(self.pos),
            None | Some(b' ' | b'\t' | b'\r' | b'\n')
        );
        if self.pos == digits_start || !end_ok {
            let mut e = self.pos;
            while e < self.bytes.len() && !self.bytes[e].is_ascii_whitespace() {
                e += 1;
            }
            let text = String::from_utf8_lossy(&self.bytes[start..e]).into_owned();
            let shown = if text.is_empty() {
                "nothing".to_string()
            } else {
                format!("`{text}`")
            };
            return Err(self.bad(format!("expected an integer {what}, found {shown}")));
        }
        Ok(if neg { -v } else { v })
    }

    fn bad(&self, message: String) -> DimacsError {
        DimacsError::BadLine {
            line: self.line,
            message,
        }
    }

    fn end_of_line(&mut self) -> Result<(), DimacsError> {
        self.skip_spaces();
        match self.bytes.get(self.pos) {
            None => Ok(()),
            Some(b'\n') => Ok(()),
            Some(_) => Err(self.bad("unexpected extra fields".into())),
        }
    }
}

/// Bound on the sums the solver forms in 64 bits (supplies, lower bounds,
/// cost · nodes): 2⁶¹, a quarter of `i64::MAX`.
pub const SUM_LIMIT: i64 = i64::MAX / 4;

/// Parses a DIMACS min-cost-flow file. Arcs with capacity ≥ 2⁶² are read as
/// uncapacitated. Declared sizes are checked against the file's length before
/// anything is allocated; supplies, lower bounds and costs against
/// [`SUM_LIMIT`], each error naming its line.
pub fn parse(bytes: &[u8]) -> Result<FlowNetwork, DimacsError> {
    let mut f = Fields {
        bytes,
        pos: 0,
        line: 0,
    };
    let mut net: Option<FlowNetwork> = None;
    let mut declared_arcs = 0usize;
    let mut p_line = 0usize;
    // Running sums the solver needs within 64 bits, checked row by row so the
    // error names the line that breaks them.
    let (mut supply_sum, mut lower_sum) = (0i128, 0i128);
    while f.pos < bytes.len() {
        f.line += 1;
        f.skip_spaces();
        let kind = bytes.get(f.pos).copied();
        match kind {
            Some(b'c') | Some(b'\n') | None => {}
            Some(b'p') => {
                f.pos += 1;
                f.skip_spaces();
                if !bytes[f.pos..].starts_with(b"min") {
                    return Err(f.bad("expected `p min <nodes> <arcs>`".into()));
                }
                if net.is_some() {
                    return Err(f.bad("second `p` line".into()));
                }
                f.pos += 3;
                let n = f.int("node count")?;
                let m = f.int("arc count")?;
                if n < 0 || m < 0 || n > u32::MAX as i64 - 1 {
                    return Err(f.bad(format!("node/arc counts out of range: {n} {m}")));
                }
                // Checked against what the file can hold before allocating:
                // an arc line takes at least 12 bytes; a node takes no line but
                // a useful one appears in an arc or an `n` line.
                let len = bytes.len() as i64;
                if m > len / 12 + 1 || n > 2 * len + 2 {
                    return Err(f.bad(format!(
                        "the `p` line declares {n} nodes and {m} arcs, more than a file of {len} bytes can describe"
                    )));
                }
                p_line = f.line;
                f.end_of_line()?;
                let mut g = FlowNetwork::new(n as usize);
                g.arcs.reserve(m as usize);
                declared_arcs = m as usize;
                net = Some(g);
            }
            Some(b'n') => {
                f.pos += 1;
                let line = f.line;
                let g = net
                    .as_mut()
                    .ok_or(DimacsError::MissingProblemLine { line })?;
                let id = f.int("node id")?;
                let s = f.int("supply")?;
                f.end_of_line()?;
                if id < 1 || id as usize > g.node_count() {
                    return Err(f.bad(format!("node id {id} outside 1..={}", g.node_count())));
                }
                supply_sum += i128::from(s).abs();
                if supply_sum > i128::from(SUM_LIMIT) {
                    return Err(f.bad(format!(
                        "supply {s}: the supplies' absolute values sum past {SUM_LIMIT}"
                    )));
                }
                g.supply[id as usize - 1] = s;
            }
            Some(b'a') => {
                f.pos += 1;
                let line = f.line;
                let g = net
                    .as_mut()
                    .ok_or(DimacsError::MissingProblemLine { line })?;
                let n = g.node_count() as i64;
                let t = f.int("tail")?;
                let h = f.int("head")?;
                let lo = f.int("lower bound")?;
                let cap = f.int("capacity")?;
                let cost = f.int("cost")?;
                f.end_of_line()?;
                for (v, what) in [(t, "tail"), (h, "head")] {
                    if v < 1 || v > n {
                        return Err(f.bad(format!("{what} {v} outside 1..={n}")));
                    }
                }
                if lo > cap {
                    return Err(f.bad(format!("lower bound {lo} exceeds capacity {cap}")));
                }
                if g.arcs.len() == declared_arcs {
                    return Err(f.bad(format!(
                        "more arcs than the {declared_arcs} the `p` line declares"
                    )));
                }
                lower_sum += i128::from(lo).abs();
                if lower_sum > i128::from(SUM_LIMIT) {
                    return Err(f.bad(format!(
                        "lower bound {lo}: the lower bounds' absolute values sum past {SUM_LIMIT}"
                    )));
                }
                if i128::from(cost).abs() * i128::from(n) > i128::from(SUM_LIMIT) {
                    return Err(f.bad(format!(
                        "cost {cost}: |cost| · nodes ({n}) must stay below {SUM_LIMIT}"
                    )));
                }
                let upper = if cap >= (1 << 62) { UNBOUNDED } else { cap };
                g.add_arc_bounded((t - 1) as u32, (h - 1) as u32, lo, upper, cost);
            }
            Some(c) => {
                return Err(f.bad(format!("unknown line type `{}`", c as char)));
            }
        }
        // Next line.
        while f.pos < bytes.len() && bytes[f.pos] != b'\n' {
            f.pos += 1;
        }
        f.pos += 1;
    }
    let net = net.ok_or(DimacsError::MissingProblemLine { line: 0 })?;
    if net.arcs.len() != declared_arcs {
        return Err(DimacsError::ArcCount {
            line: p_line,
            declared: declared_arcs,
            found: net.arcs.len(),
        });
    }
    Ok(net)
}

/// Writes `net` in DIMACS format (uncapacitated arcs get capacity 2⁶²).
pub fn write(net: &FlowNetwork, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "p min {} {}", net.node_count(), net.arcs.len())?;
    for (u, &s) in net.supply.iter().enumerate() {
        if s != 0 {
            writeln!(out, "n {} {}", u + 1, s)?;
        }
    }
    for a in &net.arcs {
        let cap = if a.upper == UNBOUNDED {
            1i64 << 62
        } else {
            a.upper
        };
        writeln!(
            out,
            "a {} {} {} {} {}",
            a.tail + 1,
            a.head + 1,
            a.lower,
            cap,
            a.cost
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let text = "c x\np min 3 2\nn 1 4\nn 3 -4\na 1 2 0 10 3\na 2 3 1 4611686018427387904 -2\n";
        let net = parse(text.as_bytes()).unwrap();
        assert_eq!(net.supply, vec![4, 0, -4]);
        assert_eq!(net.arcs[1].upper, UNBOUNDED);
        assert_eq!(net.arcs[1].lower, 1);
        let mut out = Vec::new();
        write(&net, &mut out).unwrap();
        assert_eq!(parse(&out).unwrap(), net);
    }

    #[test]
    fn malformed_files_name_the_line() {
        let e = parse(b"n 1 5\n").unwrap_err();
        assert_eq!(e, DimacsError::MissingProblemLine { line: 1 });
        let e = parse(b"c only comments\n").unwrap_err();
        assert_eq!(e, DimacsError::MissingProblemLine { line: 0 });
        let e = parse(b"p min 2 1\na 1 2 0 x 3\n").unwrap_err();
        assert!(
            e.to_string().starts_with("line 2:") && e.to_string().contains("`x`"),
            "{e}"
        );
        let e = parse(b"p min 2 2\na 1 2 0 5 3\n").unwrap_err();
        assert_eq!(
            e,
            DimacsError::ArcCount {
                line: 1,
                declared: 2,
                found: 1
            }
        );
        let e = parse(b"p min 2 1\na 1 3 0 5 3\n").unwrap_err();
        assert!(
            e.to_string().contains("line 2") && e.to_string().contains("head 3"),
            "{e}"
        );
        let e = parse(b"p min 2 1\na 1 2 0 5\n").unwrap_err();
        assert!(
            e.to_string().contains("line 2") && e.to_string().contains("cost"),
            "{e}"
        );
        let e = parse(b"p min 2 1\na 1 2 0 5 3 9\n").unwrap_err();
        assert!(e.to_string().contains("extra"), "{e}");
        let e = parse(b"p max 2 1\n").unwrap_err();
        assert!(e.to_string().contains("p min"), "{e}");
    }
}
