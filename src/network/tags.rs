//! OSM tag interpretation for the truck profile: is a way routable, in which
//! direction, and at what speed; does a node's barrier block passage.
//!
//! Tags are given as a lookup closure so the rules do not depend on the PBF crate.

use super::profile::Profile;

/// Direction(s) a way may be driven, relative to its node order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Only along the node order.
    Forward,
    /// Only against the node order (`oneway=-1`).
    Backward,
    /// Both ways.
    Both,
}

/// The routing meaning of one way's tags.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WayRule {
    /// Allowed direction(s).
    pub direction: Direction,
    /// Truck speed in km/h.
    pub speed_kmh: f64,
}

/// Decides whether a way is usable by the truck, and how. `tag(key)` returns the
/// value of `key` on the way. Returns `None` when the truck cannot use the way.
pub fn way_rule<'a>(profile: &Profile, tag: impl Fn(&str) -> Option<&'a str>) -> Option<WayRule> {
    let highway = tag("highway")?;
    let class_speed = *profile.speeds.get(highway)?;
    if tag("area") == Some("yes") || tag("impassable") == Some("yes") {
        return None;
    }
    if highway == "service" {
        if let Some(s) = tag("service") {
            if profile.service.excluded.iter().any(|x| x == s) {
                return None;
            }
        }
    }
    if access_denied(profile, &tag) {
        return None;
    }
    let direction = oneway(highway, &tag)?;
    let posted = ["maxspeed:hgv", "maxspeed"]
        .iter()
        .find_map(|k| tag(k).and_then(|v| parse_maxspeed(profile, v)));
    let speed_kmh = match posted {
        Some(limit) => class_speed.min(limit * profile.maxspeed_factor),
        None => class_speed,
    };
    Some(WayRule {
        direction,
        speed_kmh,
    })
}

/// True when the most specific access key present (hgv > motor_vehicle > vehicle >
/// access) has a value the profile denies.
pub fn access_denied<'a>(profile: &Profile, tag: &impl Fn(&str) -> Option<&'a str>) -> bool {
    ["hgv", "motor_vehicle", "vehicle", "access"]
        .iter()
        .find_map(|k| tag(k))
        .is_some_and(|v| profile.access.denied.iter().any(|d| d == v))
}

/// Oneway semantics. `None` for reversible/alternating ways, whose direction changes
/// over the day and cannot be planned on.
fn oneway<'a>(highway: &str, tag: &impl Fn(&str) -> Option<&'a str>) -> Option<Direction> {
    match tag("oneway") {
        Some("yes" | "true" | "1") => Some(Direction::Forward),
        Some("-1" | "reverse") => Some(Direction::Backward),
        Some("no" | "false" | "0") => Some(Direction::Both),
        Some("reversible" | "alternating") => None,
        _ => {
            let implied = highway == "motorway"
                || highway == "motorway_link"
                || matches!(tag("junction"), Some("roundabout" | "circular"));
            Some(if implied {
                Direction::Forward
            } else {
                Direction::Both
            })
        }
    }
}

/// Parses a `maxspeed` value to km/h: `50`, `50 km/h`, `30 mph`, `10 knots`,
/// `RU:urban`-style zones from the profile, `walk`. `none`/`signals`/unknown → `None`
/// (use the class speed).
pub fn parse_maxspeed(profile: &Profile, value: &str) -> Option<f64> {
    let v = value.trim();
    if let Some((_, zone)) = v.split_once(':') {
        return profile.maxspeed_zones.get(zone.trim()).copied();
    }
    if let Some(z) = profile.maxspeed_zones.get(v) {
        return Some(*z);
    }
    let (num, factor) = if let Some(n) = v.strip_suffix("mph") {
        (n, 1.609_344)
    } else if let Some(n) = v.strip_suffix("knots") {
        (n, 1.852)
    } else if let Some(n) = v.strip_suffix("km/h").or_else(|| v.strip_suffix("kmh")) {
        (n, 1.0)
    } else {
        (v, 1.0)
    };
    let kmh = num.trim().parse::<f64>().ok()? * factor;
    (kmh > 0.0 && kmh < 300.0).then_some(kmh)
}

/// True when a node with these tags blocks the truck: a blocking barrier type, or
/// any barrier whose access tags deny it. A node that explicitly allows motor
/// vehicles is never blocking.
pub fn node_blocks<'a>(profile: &Profile, tag: impl Fn(&str) -> Option<&'a str>) -> bool {
    let Some(barrier) = tag("barrier") else {
        return false;
    };
    let allowed = ["hgv", "motor_vehicle", "vehicle", "access"]
        .iter()
        .find_map(|k| tag(k))
        .is_some_and(|v| matches!(v, "yes" | "designated" | "permissive" | "destination"));
    if allowed {
        return false;
    }
    profile.barriers.blocking.iter().any(|b| b == barrier) || access_denied(profile, &tag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn rule(tags: &[(&str, &str)]) -> Option<WayRule> {
        let m: HashMap<&str, &str> = tags.iter().copied().collect();
        way_rule(&Profile::default(), |k| m.get(k).copied())
    }

    #[test]
    fn classes_and_exclusions() {
        assert!(rule(&[("highway", "footway")]).is_none());
        assert!(rule(&[("highway", "construction")]).is_none());
        assert!(rule(&[("highway", "service"), ("service", "parking_aisle")]).is_none());
        assert!(rule(&[("highway", "service"), ("service", "alley")]).is_some());
        assert_eq!(rule(&[("highway", "primary")]).unwrap().speed_kmh, 45.0);
    }

    #[test]
    fn access_hierarchy_most_specific_wins() {
        assert!(rule(&[("highway", "residential"), ("access", "private")]).is_none());
        assert!(rule(&[("highway", "residential"), ("access", "no"), ("hgv", "yes")]).is_some());
        assert!(rule(&[("highway", "primary"), ("motor_vehicle", "no")]).is_none());
        assert!(rule(&[("highway", "primary"), ("hgv", "no")]).is_none());
    }

    #[test]
    fn oneway_variants() {
        let d = |t: &[(&str, &str)]| rule(t).map(|r| r.direction);
        assert_eq!(
            d(&[("highway", "primary"), ("oneway", "yes")]),
            Some(Direction::Forward)
        );
        assert_eq!(
            d(&[("highway", "primary"), ("oneway", "-1")]),
            Some(Direction::Backward)
        );
        assert_eq!(d(&[("highway", "motorway")]), Some(Direction::Forward));
        assert_eq!(
            d(&[("highway", "motorway"), ("oneway", "no")]),
            Some(Direction::Both)
        );
        assert_eq!(
            d(&[("highway", "tertiary"), ("junction", "roundabout")]),
            Some(Direction::Forward)
        );
        assert_eq!(d(&[("highway", "tertiary")]), Some(Direction::Both));
        assert_eq!(
            d(&[("highway", "tertiary"), ("oneway", "reversible")]),
            None
        );
    }

    #[test]
    fn maxspeed_parsing() {
        let p = Profile::default();
        assert_eq!(parse_maxspeed(&p, "50"), Some(50.0));
        assert_eq!(parse_maxspeed(&p, "50 km/h"), Some(50.0));
        assert!((parse_maxspeed(&p, "30 mph").unwrap() - 48.28).abs() < 0.01);
        assert_eq!(parse_maxspeed(&p, "CN:urban"), Some(50.0));
        assert_eq!(parse_maxspeed(&p, "MT:rural"), Some(80.0));
        assert_eq!(parse_maxspeed(&p, "none"), None);
        assert_eq!(parse_maxspeed(&p, "signals"), None);
        // The truck never exceeds its class speed; a low limit lowers it.
        let r = rule(&[("highway", "primary"), ("maxspeed", "20")]).unwrap();
        assert!((r.speed_kmh - 18.0).abs() < 1e-9);
        let r = rule(&[("highway", "primary"), ("maxspeed", "120")]).unwrap();
        assert_eq!(r.speed_kmh, 45.0);
    }

    #[test]
    fn barriers() {
        let p = Profile::default();
        let b = |t: &[(&str, &str)]| {
            let m: HashMap<&str, &str> = t.iter().copied().collect();
            node_blocks(&p, |k| m.get(k).copied())
        };
        assert!(b(&[("barrier", "bollard")]));
        assert!(!b(&[("barrier", "bollard"), ("motor_vehicle", "yes")]));
        assert!(!b(&[("barrier", "gate")]));
        assert!(b(&[("barrier", "gate"), ("access", "private")]));
        assert!(!b(&[("highway", "traffic_signals")]));
    }
}
