//! A plan's clock as people read it: the event, the plan time, and each
//! deadline (anchored at the event) as a clock time with the hours left at the
//! plan time, and a warning for each deadline already passed. One section for
//! `reliefflow plan` (`plan.json`, the summary) and the service (which adds
//! dates, offsets and seconds since 1970, see `crate::ops`).

use serde_json::{json, Value};

use crate::scenario::Targets;

/// The `clock` section for a plan made `plan_h` hours after the event, with
/// `local(h)` writing the clock time `h` hours after the event.
pub fn section(targets: &Targets, plan_h: f64, local: &dyn Fn(f64) -> String) -> Value {
    let mut warnings = Vec::new();
    let mut deadline = |name: &str, h: f64| {
        let left = h - plan_h;
        if left < 0.0 {
            warnings.push(format!(
                "the {name} deadline ({}) had passed {:.1} h before the plan time: what this plan delivers is late for it",
                local(h),
                -left
            ));
        }
        json!({"at": local(h), "hours_after_event": h, "hours_left": round2(left)})
    };
    let first = deadline("first-batch", targets.first_delivery_h);
    let relief = deadline("basic-relief", targets.relief_h);
    json!({
        "event": local(0.0),
        "plan_time": local(plan_h),
        "plan_hours_after_event": round2(plan_h),
        "first_deadline": first,
        "relief_deadline": relief,
        "warnings": warnings,
    })
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// `h` hours after an event at `event_time` (`HH:MM`, a time of day as
/// `scenario.toml` gives it) as `HH:MM`, with ` +1d`, ` +2d` … on later days;
/// `+2.50 h` when the event time is not a time of day.
pub fn after_event(event_time: &str, h: f64) -> String {
    let hm = event_time
        .split_once(':')
        .and_then(|(a, b)| Some((a.trim().parse::<i64>().ok()?, b.trim().parse::<i64>().ok()?)))
        .filter(|&(a, b)| (0..24).contains(&a) && (0..60).contains(&b));
    let Some((hh, mm)) = hm else {
        return format!("+{h:.2} h");
    };
    let minutes = hh * 60 + mm + (h * 60.0).round() as i64;
    let (day, m) = (minutes.div_euclid(1440), minutes.rem_euclid(1440));
    let hhmm = format!("{:02}:{:02}", m / 60, m % 60);
    match day {
        0 => hhmm,
        d if d > 0 => format!("{hhmm} +{d}d"),
        d => format!("{hhmm} {d}d"),
    }
}

/// A plan time given to `reliefflow plan --at`, in hours after the event at
/// `event_time` (`HH:MM`): `+H` or `+H:MM` after the event, or a clock time
/// `HH:MM`, the first at or after the event (so `01:00` for an event at 14:30
/// is 10.5 h after it).
pub fn parse_at(event_time: &str, at: &str) -> Result<f64, String> {
    let at = at.trim();
    let hm = |t: &str| -> Option<(f64, f64)> {
        match t.split_once(':') {
            Some((a, b)) => {
                let (a, b) = (a.parse::<u32>().ok()?, b.parse::<u32>().ok()?);
                (b < 60 && b.to_string().len() <= 2).then_some((f64::from(a), f64::from(b)))
            }
            None => {
                let h = t.parse::<f64>().ok()?;
                (h.is_finite() && h >= 0.0).then_some((h, 0.0))
            }
        }
    };
    if let Some(after) = at.strip_prefix('+') {
        let (h, m) = hm(after).ok_or_else(|| {
            format!("`--at {at}`: expected hours after the event, `+2.5` or `+2:30`")
        })?;
        return Ok(h + m / 60.0);
    }
    let (h, m) = hm(at)
        .filter(|&(h, _)| h < 24.0 && at.contains(':'))
        .ok_or_else(|| {
            format!("`--at {at}`: expected a clock time `HH:MM` (the first at or after the event) or hours after the event, `+2.5` or `+2:30`")
        })?;
    let event = event_time
        .split_once(':')
        .and_then(|(a, b)| Some(a.trim().parse::<f64>().ok()? * 60.0 + b.trim().parse::<f64>().ok()?))
        .ok_or_else(|| {
            format!("`--at {at}`: the scenario's event_time `{event_time}` is not a clock time HH:MM; give hours after the event, `+2.5`")
        })?;
    let minutes = (h * 60.0 + m - event).rem_euclid(1440.0);
    Ok(minutes / 60.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_after_the_event_count_days() {
        assert_eq!(after_event("14:30", 0.0), "14:30");
        assert_eq!(after_event("14:30", 6.0), "20:30");
        assert_eq!(after_event("14:30", 12.0), "02:30 +1d");
        assert_eq!(after_event("", 2.5), "+2.50 h");
    }

    #[test]
    fn at_reads_hours_after_or_the_next_clock_time() {
        assert_eq!(parse_at("14:30", "+2.5"), Ok(2.5));
        assert_eq!(parse_at("14:30", "+2:30"), Ok(2.5));
        assert_eq!(parse_at("14:30", "16:00"), Ok(1.5));
        assert_eq!(parse_at("14:30", "01:00"), Ok(10.5));
        assert_eq!(parse_at("14:30", "14:30"), Ok(0.0));
        for bad in ["25:00", "16", "+x", "16:75", "+-1", "yesterday"] {
            let e = parse_at("14:30", bad).unwrap_err();
            assert!(e.contains(bad), "{e}");
        }
    }

    #[test]
    fn a_passed_deadline_is_said() {
        let t = Targets {
            first_delivery_h: 6.0,
            relief_h: 12.0,
            ..Targets::default()
        };
        let s = section(&t, 7.0, &|h| after_event("14:30", h));
        assert_eq!(s["plan_time"], "21:30");
        assert_eq!(s["first_deadline"]["hours_left"], -1.0);
        assert_eq!(s["relief_deadline"]["at"], "02:30 +1d");
        let w = s["warnings"].as_array().unwrap();
        assert_eq!(w.len(), 1);
        assert!(w[0]
            .as_str()
            .unwrap()
            .contains("first-batch deadline (20:30)"));
    }
}
