//! Wall-clock time in a scenario's time zone: instants people type (RFC 3339,
//! or a local `YYYY-MM-DD HH:MM`) read as seconds since 1970 UTC, and instants
//! written back for people (`2026-12-08 01:10 +08:00`, or `01:10 +1d` on a run
//! sheet).
//!
//! Everything inside reliefflow counts time as seconds since 1970-01-01 00:00
//! UTC (`*_unix`, i64) or hours since an incident's event (`*_h`, f64); a
//! [`Clock`] is only the edge where people's clocks meet those numbers. Zones
//! are IANA names (`Asia/Shanghai`, `Europe/Vaduz`) looked up in the system's
//! time zone database, or in the copy bundled into the binary when the machine
//! has none, so daylight saving time is applied as the zone's rules say.

use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};
use jiff::Timestamp;

/// The time zone of a scenario that names none (Beijing: UTC+08:00 all year).
pub const DEFAULT_TIMEZONE: &str = "Asia/Shanghai";

/// The formats [`Clock::parse`] accepts, as its errors say them.
pub const EXPECTED: &str =
    "expected RFC 3339 (2026-12-08T01:10:00+08:00) or local YYYY-MM-DD HH:MM";

/// Longest piece of a refused text quoted back in an error, characters.
const QUOTE_CHARS: usize = 40;

/// Why a time zone or a time could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// The time zone database has no zone of that name.
    #[error(
        "unknown time zone `{name}`: an IANA name such as Asia/Shanghai or Europe/Vaduz expected"
    )]
    UnknownZone {
        /// The name given (shortened when long).
        name: String,
    },
    /// The text is in none of the accepted formats.
    #[error("`{text}`: {EXPECTED}")]
    Format {
        /// The text given (shortened when long).
        text: String,
    },
    /// A time of day alone (`02:10`): which day is not known.
    #[error("`{text}` has no date: {EXPECTED}")]
    NoDate {
        /// The text given.
        text: String,
    },
    /// The text has the right shape but names no instant: a day or time out of
    /// range (`2026-02-30`, `24:10`), or a local time the zone skips or repeats
    /// when its clocks change.
    #[error("`{text}`: {reason}")]
    NoSuchTime {
        /// The text given (shortened when long).
        text: String,
        /// What is wrong and what to give instead.
        reason: String,
    },
}

/// A wall clock in one IANA time zone.
#[derive(Debug, Clone)]
pub struct Clock {
    /// The zone's rules (offsets and daylight saving time over the years).
    tz: TimeZone,
    /// The zone's IANA name, as the database spells it.
    name: String,
}

impl Clock {
    /// The clock of the IANA zone `name` (`Asia/Shanghai`, `Europe/Vaduz`,
    /// `UTC`); [`ClockError::UnknownZone`] when the database has no such zone.
    pub fn new(name: &str) -> Result<Clock, ClockError> {
        let unknown = || ClockError::UnknownZone { name: quote(name) };
        if name.trim().is_empty() || name.chars().any(char::is_control) {
            return Err(unknown());
        }
        let tz = TimeZone::get(name).map_err(|_| unknown())?;
        let name = tz.iana_name().unwrap_or(name).to_string();
        Ok(Clock { tz, name })
    }

    /// The zone's IANA name (`Asia/Shanghai`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The instant `text` names, seconds since 1970-01-01 00:00 UTC (a
    /// fraction of a second is dropped). Accepted, surrounding blanks ignored:
    ///
    /// - RFC 3339 with its offset: `2026-12-08T01:10:00+08:00`,
    ///   `2026-12-07T17:10:00Z` (`T`, `t` or a space between date and time;
    ///   seconds optional; the offset may follow a space, so what
    ///   [`Clock::local`] writes reads back);
    /// - a local time in this clock's zone: `2026-12-08 01:10`,
    ///   `2026-12-08T01:10`, `2026-12-08 01:10:30`.
    ///
    /// A local time the zone skips (clocks forward) or repeats (clocks back)
    /// is refused, since either reading could be an hour wrong: give it with
    /// its offset. A bare `02:10` is refused ([`ClockError::NoDate`]).
    pub fn parse(&self, text: &str) -> Result<i64, ClockError> {
        let text = text.trim();
        let parts = match Parts::split(text) {
            Some(p) => p,
            None if is_time_of_day(text) => return Err(ClockError::NoDate { text: quote(text) }),
            None => return Err(ClockError::Format { text: quote(text) }),
        };
        let no_such = |reason: String| ClockError::NoSuchTime {
            text: quote(text),
            reason,
        };
        let dt = DateTime::new(
            parts.year,
            parts.month,
            parts.day,
            parts.hour,
            parts.minute,
            parts.second,
            0,
        )
        .map_err(|_| {
            no_such(format!(
                "no such date or time of day (month 01-12, a day the month has, hour 00-23, minute and second 00-59); {EXPECTED}"
            ))
        })?;
        let ts = match parts.offset_s {
            Some(s) => Offset::from_seconds(s)
                .and_then(|o| o.to_timestamp(dt))
                .map_err(|_| no_such("offset or instant out of range".to_string()))?,
            None => {
                let at = self.tz.to_ambiguous_timestamp(dt);
                match at.offset() {
                    AmbiguousOffset::Unambiguous { offset } => offset
                        .to_timestamp(dt)
                        .map_err(|_| no_such("instant out of range".to_string()))?,
                    AmbiguousOffset::Gap { before, after } => {
                        return Err(no_such(format!(
                            "this local time does not exist in {} (clocks go from {} to {}): give it with its offset, e.g. {}",
                            self.name,
                            offset_text(before),
                            offset_text(after),
                            rfc3339_example(text, after)
                        )))
                    }
                    AmbiguousOffset::Fold { before, after } => {
                        return Err(no_such(format!(
                            "this local time happens twice in {} (at {} then at {}): give it with its offset, e.g. {}",
                            self.name,
                            offset_text(before),
                            offset_text(after),
                            rfc3339_example(text, before)
                        )))
                    }
                }
            }
        };
        Ok(ts.as_second())
    }

    /// `unix` (seconds since 1970 UTC) for people, in this clock's zone: date,
    /// time to the minute and the offset then in force,
    /// `2026-12-08 01:10 +08:00` (seconds are cut, not rounded). An instant
    /// outside the years -9999..=9999 is written `@<unix>`.
    pub fn local(&self, unix: i64) -> String {
        let Ok(ts) = Timestamp::from_second(unix) else {
            return format!("@{unix}");
        };
        let dt = self.tz.to_datetime(ts);
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02} {}",
            dt.year(),
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            offset_text(self.tz.to_offset(ts))
        )
    }

    /// `unix` (seconds since 1970 UTC) as a local time of day `HH:MM` for a run
    /// sheet, with ` +1d`, ` +2d` … when its local calendar date is after the
    /// local date of `day0_unix` (the event), ` -1d` … when before. Days are
    /// counted on the zone's calendar, not UTC's: 23:30 and 00:10 the next
    /// night are a day apart even when both fall on one UTC date. An instant
    /// outside the years -9999..=9999 is written `@<unix>`.
    pub fn hhmm_day(&self, unix: i64, day0_unix: i64) -> String {
        let Ok(ts) = Timestamp::from_second(unix) else {
            return format!("@{unix}");
        };
        let dt = self.tz.to_datetime(ts);
        let hhmm = format!("{:02}:{:02}", dt.hour(), dt.minute());
        let days = Timestamp::from_second(day0_unix)
            .ok()
            .and_then(|t0| dt.date().since(self.tz.to_datetime(t0).date()).ok())
            .map_or(0, |span| span.get_days());
        match days {
            0 => hhmm,
            d if d > 0 => format!("{hhmm} +{d}d"),
            d => format!("{hhmm} {d}d"),
        }
    }
}

/// `+08:00`, `-03:30`, `+00:00` (`+07:45:40` for an offset with seconds).
fn offset_text(o: Offset) -> String {
    let s = o.seconds();
    let sign = if s < 0 { '-' } else { '+' };
    let a = s.unsigned_abs();
    let (h, m, sec) = (a / 3600, a / 60 % 60, a % 60);
    if sec == 0 {
        format!("{sign}{h:02}:{m:02}")
    } else {
        format!("{sign}{h:02}:{m:02}:{sec:02}")
    }
}

/// `text` (a local `YYYY-MM-DD HH:MM…`) with `T` and offset `o`: how to say it
/// without ambiguity.
fn rfc3339_example(text: &str, o: Offset) -> String {
    let (date, time) = text.split_at(10.min(text.len()));
    let time = time.get(1..).unwrap_or("");
    let time = if time.len() == 5 {
        format!("{time}:00")
    } else {
        time.to_string()
    };
    format!("{date}T{time}{}", offset_text(o))
}

/// `text` to quote back in an error: at most [`QUOTE_CHARS`] characters,
/// control characters escaped.
fn quote(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(QUOTE_CHARS)
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if text.chars().nth(QUOTE_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// True for a bare time of day: `2:10`, `02:10`, `02:10:30`.
fn is_time_of_day(text: &str) -> bool {
    let mut pieces = text.split(':');
    let h = pieces.next().unwrap_or("");
    let rest: Vec<&str> = pieces.collect();
    (1..=2).contains(&h.len())
        && h.bytes().all(|b| b.is_ascii_digit())
        && (1..=2).contains(&rest.len())
        && rest
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The fields of an accepted text, not yet checked for range.
#[derive(Debug, PartialEq)]
struct Parts {
    year: i16,
    month: i8,
    day: i8,
    hour: i8,
    minute: i8,
    second: i8,
    /// The offset, seconds east of UTC, when the text has one.
    offset_s: Option<i32>,
}

impl Parts {
    /// `YYYY-MM-DD[T| ]HH:MM[:SS[.fff]][[ ](Z|±HH:MM)]`, or `None`. O(length).
    fn split(text: &str) -> Option<Parts> {
        let b = text.as_bytes();
        let num = |from: usize, len: usize| -> Option<i32> {
            let s = b.get(from..from + len)?;
            s.iter()
                .all(u8::is_ascii_digit)
                .then(|| s.iter().fold(0, |n, &d| n * 10 + i32::from(d - b'0')))
        };
        let at = |k: usize, c: u8| b.get(k) == Some(&c);
        let year = num(0, 4)?;
        let month = num(5, 2)?;
        let day = num(8, 2)?;
        let hour = num(11, 2)?;
        let minute = num(14, 2)?;
        if !(at(4, b'-')
            && at(7, b'-')
            && matches!(b.get(10), Some(b'T' | b't' | b' '))
            && at(13, b':'))
        {
            return None;
        }
        let mut k = 16;
        let mut second = 0;
        if at(k, b':') {
            second = num(k + 1, 2)?;
            k += 3;
            if at(k, b'.') {
                let digits = b[k + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
                if !(1..=9).contains(&digits) {
                    return None;
                }
                k += 1 + digits;
            }
        }
        let rest = &text[k..];
        let offset_s = match rest.strip_prefix(' ').unwrap_or(rest) {
            "" if rest.is_empty() => None,
            "Z" | "z" => Some(0),
            o if o.len() == 6
                && matches!(o.as_bytes()[0], b'+' | b'-')
                && o.as_bytes()[3] == b':' =>
            {
                let ob = &o.as_bytes()[1..];
                let two = |s: &[u8]| -> Option<i32> {
                    s.iter()
                        .all(u8::is_ascii_digit)
                        .then(|| i32::from(s[0] - b'0') * 10 + i32::from(s[1] - b'0'))
                };
                let (h, m) = (two(&ob[0..2])?, two(&ob[3..5])?);
                if h > 23 || m > 59 {
                    return None;
                }
                let s = h * 3600 + m * 60;
                Some(if o.starts_with('-') { -s } else { s })
            }
            _ => return None,
        };
        // Each field has at most 4 digits: the narrowing casts cannot wrap.
        Some(Parts {
            year: year as i16,
            month: month as i8,
            day: day as i8,
            hour: hour as i8,
            minute: minute as i8,
            second: second as i8,
            offset_s,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beijing() -> Clock {
        Clock::new("Asia/Shanghai").unwrap()
    }

    /// 2026-12-08 01:10 in Beijing (UTC+8) is 2026-12-07 17:10 UTC.
    const T: i64 = 1_796_663_400;

    #[test]
    fn reads_rfc3339_and_local_times() {
        let c = beijing();
        for text in [
            "2026-12-08T01:10:00+08:00",
            "2026-12-07T17:10:00Z",
            "2026-12-07t17:10:00z",
            "2026-12-07T12:10:00-05:00",
            "2026-12-08 01:10:00+08:00",
            "2026-12-08T01:10+08:00",
            "2026-12-08T01:10:00.250+08:00",
            "2026-12-08 01:10 +08:00",
            "2026-12-08 01:10",
            "2026-12-08T01:10",
            "2026-12-08 01:10:00",
            "  2026-12-08 01:10 ",
        ] {
            assert_eq!(c.parse(text), Ok(T), "{text}");
        }
        assert_eq!(c.parse("2026-12-08 01:10:59"), Ok(T + 59));
        // The same local text in another zone is another instant.
        let utc = Clock::new("UTC").unwrap();
        assert_eq!(utc.parse("2026-12-08 01:10"), Ok(T + 8 * 3600));
    }

    #[test]
    fn refuses_what_is_not_a_time_and_says_what_was_expected() {
        let c = beijing();
        for text in [
            "tomorrow morning",
            "",
            "2026-12-08",
            "2026-12-08 1:10",
            "2026/12/08 01:10",
            "2026-12-08 01:10 CST",
            "2026-12-08T01:10:00+8",
            "2026-12-08T01:10:00+08:00[Asia/Shanghai]",
            "2026-12-08T01:10:00.+08:00",
            "08.12.2026 01:10",
            "2026-12-08 01:10\0",
            "２０２６-12-08 01:10",
        ] {
            let e = c.parse(text).unwrap_err();
            assert!(matches!(e, ClockError::Format { .. }), "{text}: {e:?}");
            assert!(e.to_string().contains(EXPECTED), "{e}");
        }
        let e = c.parse("02:10").unwrap_err();
        assert!(matches!(e, ClockError::NoDate { .. }), "{e:?}");
        assert!(e.to_string().contains("has no date"), "{e}");
        for text in [
            "2026-02-30 10:00",
            "2026-13-01 10:00",
            "2026-12-08 24:10",
            "2026-12-08 23:60",
        ] {
            let e = c.parse(text).unwrap_err();
            assert!(matches!(e, ClockError::NoSuchTime { .. }), "{text}: {e:?}");
        }
        // A long text is quoted short.
        let e = c.parse(&"x".repeat(10_000)).unwrap_err().to_string();
        assert!(e.len() < 200, "{e}");
    }

    #[test]
    fn local_times_the_zone_skips_or_repeats_are_refused() {
        let vaduz = Clock::new("Europe/Vaduz").unwrap();
        // 2026-03-29: clocks go from 02:00 to 03:00 (+01:00 to +02:00).
        let e = vaduz.parse("2026-03-29 02:30").unwrap_err().to_string();
        assert!(
            e.contains("does not exist") && e.contains("2026-03-29T02:30:00+02:00"),
            "{e}"
        );
        // 2026-10-25: 02:30 happens at +02:00, then again at +01:00.
        let e = vaduz.parse("2026-10-25 02:30").unwrap_err().to_string();
        assert!(e.contains("happens twice") && e.contains("+02:00"), "{e}");
        // With the offset, both readings are fine and an hour apart.
        let a = vaduz.parse("2026-10-25T02:30:00+02:00").unwrap();
        let b = vaduz.parse("2026-10-25T02:30:00+01:00").unwrap();
        assert_eq!(b - a, 3600);
        // Summer and winter offsets.
        assert_eq!(
            vaduz.local(vaduz.parse("2026-07-01 18:40").unwrap()),
            "2026-07-01 18:40 +02:00"
        );
        assert_eq!(
            vaduz.local(vaduz.parse("2026-12-01 18:40").unwrap()),
            "2026-12-01 18:40 +01:00"
        );
    }

    #[test]
    fn writes_local_times_that_read_back() {
        let c = beijing();
        assert_eq!(c.local(T), "2026-12-08 01:10 +08:00");
        assert_eq!(c.local(T + 59), "2026-12-08 01:10 +08:00");
        assert_eq!(
            Clock::new("UTC").unwrap().local(T),
            "2026-12-07 17:10 +00:00"
        );
        assert_eq!(c.parse(&c.local(T)), Ok(T));
        let ny = Clock::new("America/St_Johns").unwrap();
        assert_eq!(ny.local(T), "2026-12-07 13:40 -03:30");
        assert_eq!(ny.parse(&ny.local(T)), Ok(T));
        assert_eq!(c.local(i64::MAX), format!("@{}", i64::MAX));
    }

    #[test]
    fn days_are_counted_on_the_local_calendar() {
        let c = beijing();
        assert_eq!(c.hhmm_day(T, T), "01:10");
        assert_eq!(c.hhmm_day(T + 22 * 3600 + 49 * 60, T), "23:59");
        assert_eq!(c.hhmm_day(T + 22 * 3600 + 50 * 60, T), "00:00 +1d");
        assert_eq!(c.hhmm_day(T + 2 * 86_400, T), "01:10 +2d");
        assert_eq!(c.hhmm_day(T - 2 * 3600, T), "23:10 -1d");
        // 23:30 on 12-07 and 00:10 on 12-08 Beijing time are both 2026-12-07 in
        // UTC, yet a day apart for people in Beijing.
        let evening = c.parse("2026-12-07 23:30").unwrap();
        assert_eq!(c.hhmm_day(evening + 40 * 60, evening), "00:10 +1d");
        assert_eq!(c.hhmm_day(i64::MIN, T), format!("@{}", i64::MIN));
        assert_eq!(c.hhmm_day(T, i64::MIN), "01:10");
    }

    #[test]
    fn zones_are_iana_names() {
        assert_eq!(Clock::new("Europe/Vaduz").unwrap().name(), "Europe/Vaduz");
        assert_eq!(
            Clock::new(DEFAULT_TIMEZONE).unwrap().name(),
            "Asia/Shanghai"
        );
        for bad in [
            "Mars/Olympus",
            "",
            " ",
            "Asia/Shanghai\0",
            "../../etc/passwd",
            "+08:00",
        ] {
            let e = Clock::new(bad).unwrap_err();
            assert!(matches!(e, ClockError::UnknownZone { .. }), "{bad}: {e:?}");
            assert!(e.to_string().contains("IANA name"), "{e}");
        }
    }
}
