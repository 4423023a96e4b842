//! The rules values people send must pass, wherever they come from: a scenario
//! table, a CSV upload to the service or a JSON request. One function per rule,
//! so the file readers and the service cannot drift apart.
//!
//! - **Names** (an incident's name, a slow area's label, an item named in a
//!   request): 1 to [`MAX_NAME_CHARS`] characters, not blank, no control
//!   character at all (NUL, line breaks, tabs, DEL, C1).
//! - **Notes** (why a count or a stock changed): at most [`MAX_NOTE_CHARS`]
//!   characters, no control character but line feed `\n` and tab `\t`.
//! - **Shelter counts**: a headcount of 0 to [`MAX_HEADCOUNT`] persons; each
//!   priority count 0 or more; priority persons together no more than the
//!   headcount.
//!
//! Lengths count Unicode scalar values (`char`s), not bytes: 200 Chinese
//! characters make a 200-character name. Every check is O(length of the text).

/// Most characters in a name (incident name, slow-area label, item), chars.
pub const MAX_NAME_CHARS: usize = 200;

/// Most characters in a note, chars.
pub const MAX_NOTE_CHARS: usize = 2_000;

/// Most people one shelter may hold, persons: ten million, more than any
/// Beijing district's population, so a district modelled as one shelter still
/// fits, while a mistyped or overflowing count (2 147 483 647) is refused.
pub const MAX_HEADCOUNT: i64 = 10_000_000;

/// The priority counts in the order of [`crate::facility::PriorityPeople`],
/// the tables' columns and the store's `priority` array.
pub const PRIORITY_FIELDS: [&str; 5] = ["elderly", "children", "pregnant", "disabled", "injured"];

/// A value refused, with the field it was given in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidField {
    /// The field at fault (`name`, `note`, `slow_areas[0].label`, `headcount`).
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl InvalidField {
    /// Field `field` refused for `message`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        InvalidField {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Checks `text`, given as field `field`, as a name: not blank, at most
/// [`MAX_NAME_CHARS`] characters, no control character.
pub fn check_name(field: &str, text: &str) -> Result<(), InvalidField> {
    if text.trim().is_empty() {
        return Err(InvalidField::new(field, "must not be empty"));
    }
    check_text(field, text, MAX_NAME_CHARS, "a name", |_| false)
}

/// Checks `text`, given as field `field`, as a note: at most
/// [`MAX_NOTE_CHARS`] characters, no control character but `\n` and `\t`
/// (empty is fine).
pub fn check_note(field: &str, text: &str) -> Result<(), InvalidField> {
    check_text(field, text, MAX_NOTE_CHARS, "a note", |c| {
        matches!(c, '\n' | '\t')
    })
}

/// At most `max` chars, and no control character but those `allowed` says.
fn check_text(
    field: &str,
    text: &str,
    max: usize,
    what: &str,
    allowed: impl Fn(char) -> bool,
) -> Result<(), InvalidField> {
    let mut chars = 0;
    for (k, c) in text.chars().enumerate() {
        if c.is_control() && !allowed(c) {
            let but = if what == "a note" {
                " but line feeds and tabs"
            } else {
                ""
            };
            return Err(InvalidField::new(
                field,
                format!(
                    "control character U+{:04X} at character {}: {what} may hold no control character{but}",
                    u32::from(c),
                    k + 1
                ),
            ));
        }
        chars = k + 1;
    }
    if chars > max {
        return Err(InvalidField::new(
            field,
            format!("{chars} characters: {what} has at most {max}"),
        ));
    }
    Ok(())
}

/// Checks a shelter's counts, persons, as they will be once a change is made
/// (the counts not changed taken as stored): `headcount` in
/// 0..=[`MAX_HEADCOUNT`], each `priority` count (in [`PRIORITY_FIELDS`] order)
/// ≥ 0, and their sum no more than the headcount. The error names the field:
/// the headcount when the priority people do not fit in it.
pub fn check_shelter_counts(headcount: i64, priority: [i64; 5]) -> Result<(), InvalidField> {
    if !(0..=MAX_HEADCOUNT).contains(&headcount) {
        return Err(InvalidField::new(
            "headcount",
            format!("expected persons in [0, {MAX_HEADCOUNT}], got {headcount}"),
        ));
    }
    for (field, &n) in PRIORITY_FIELDS.iter().zip(&priority) {
        if !(0..=MAX_HEADCOUNT).contains(&n) {
            return Err(InvalidField::new(
                *field,
                format!("expected persons in [0, {MAX_HEADCOUNT}], got {n}"),
            ));
        }
    }
    // Each term ≤ 10⁷: the sum cannot overflow.
    let total: i64 = priority.iter().sum();
    if total > headcount {
        return Err(InvalidField::new(
            "headcount",
            format!("{total} priority persons but a headcount of {headcount}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_refuse_control_characters_blanks_and_length() {
        assert_eq!(check_name("name", "aftershock north"), Ok(()));
        assert_eq!(check_name("name", "西城余震"), Ok(()));
        let e = check_name("name", "a\0b").unwrap_err();
        assert_eq!(e.field, "name");
        assert!(e.message.contains("U+0000 at character 2"), "{e}");
        for bad in ["a\nb", "a\tb", "a\rb", "\u{7f}", "a\u{85}", "\u{1b}[31m"] {
            let e = check_name("slow_areas[0].label", bad).unwrap_err();
            assert_eq!(e.field, "slow_areas[0].label");
            assert!(e.message.contains("control character"), "{bad:?}: {e}");
        }
        for blank in ["", "   "] {
            assert!(check_name("name", blank)
                .unwrap_err()
                .message
                .contains("empty"));
        }
        // Characters, not bytes: 200 three-byte characters pass, 201 do not.
        assert_eq!(check_name("name", &"震".repeat(200)), Ok(()));
        let e = check_name("name", &"震".repeat(201)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "name: 201 characters: a name has at most 200"
        );
        let e = check_name("name", &"a".repeat(1_000_000)).unwrap_err();
        assert!(e.message.starts_with("1000000 characters"), "{e}");
    }

    #[test]
    fn notes_allow_line_feeds_and_tabs_only() {
        assert_eq!(check_note("note", ""), Ok(()));
        assert_eq!(check_note("note", "bus from Deshengmen\n\t40 more"), Ok(()));
        for bad in ["a\0", "a\r\nb", "\u{7}", "\u{9b}"] {
            let e = check_note("note", bad).unwrap_err();
            assert!(
                e.message.contains("but line feeds and tabs"),
                "{bad:?}: {e}"
            );
        }
        assert_eq!(check_note("note", &"n".repeat(2_000)), Ok(()));
        let e = check_note("note", &"n".repeat(5_000)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "note: 5000 characters: a note has at most 2000"
        );
    }

    #[test]
    fn shelter_counts_fit_in_the_headcount() {
        assert_eq!(check_shelter_counts(640, [90, 50, 3, 10, 20]), Ok(()));
        assert_eq!(check_shelter_counts(0, [0; 5]), Ok(()));
        assert_eq!(check_shelter_counts(MAX_HEADCOUNT, [0; 5]), Ok(()));
        let e = check_shelter_counts(2_147_483_647, [0; 5]).unwrap_err();
        assert_eq!(e.field, "headcount");
        assert!(e.message.contains("[0, 10000000]"), "{e}");
        let e = check_shelter_counts(10, [500, 0, 0, 0, 0]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "headcount: 500 priority persons but a headcount of 10"
        );
        let e = check_shelter_counts(10, [0, 0, -1, 0, 0]).unwrap_err();
        assert_eq!(e.field, "pregnant");
        let e = check_shelter_counts(-5, [0; 5]).unwrap_err();
        assert_eq!(e.field, "headcount");
        let e = check_shelter_counts(100, [0, 0, 0, 0, i64::MAX]).unwrap_err();
        assert_eq!(e.field, "injured");
    }
}
