//! Reading CSV tables into typed rows with `csv` + `serde`, keeping the line number
//! of every row so later validation can name it.

use std::collections::HashMap;
use std::path::Path;

use serde::de::DeserializeOwned;

/// An error in a CSV table, naming file, line and field.
#[derive(Debug, thiserror::Error)]
#[error("{path}{}{}: {message}", .line.map(|l| format!(", line {l}")).unwrap_or_default(), .field.as_ref().map(|f| format!(", field `{f}`")).unwrap_or_default())]
pub struct TableError {
    /// The file.
    pub path: String,
    /// 1-based line (header = 1), when the error is in a row.
    pub line: Option<u64>,
    /// The column, when known.
    pub field: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl TableError {
    /// An error about one field of one row.
    pub fn at(path: &Path, line: u64, field: &str, message: impl Into<String>) -> Self {
        Self {
            path: path.display().to_string(),
            line: Some(line),
            field: Some(field.to_string()),
            message: message.into(),
        }
    }
}

/// A row with the line it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<T> {
    /// 1-based line number in the file.
    pub line: u64,
    /// The parsed row.
    pub value: T,
}

/// Reads every row of `path` as `T` (columns matched by header name; extra columns
/// ignored; a UTF-8 BOM tolerated).
pub fn read_table<T: DeserializeOwned>(path: &Path) -> Result<Vec<Row<T>>, TableError> {
    let file = std::fs::File::open(path).map_err(|e| TableError {
        path: path.display().to_string(),
        line: None,
        field: None,
        message: e.to_string(),
    })?;
    read_table_from(file, &path.display().to_string())
}

/// [`read_table`] from any reader (an upload), its errors naming `name` as
/// the file. O(bytes).
pub fn read_table_from<T: DeserializeOwned, R: std::io::Read>(
    reader: R,
    name: &str,
) -> Result<Vec<Row<T>>, TableError> {
    let whole = |message: String| TableError {
        path: name.to_string(),
        line: None,
        field: None,
        message,
    };
    let mut bytes = Vec::new();
    let mut reader = reader;
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| whole(e.to_string()))?;
    let mut lines = LineCounter::default();
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes.as_slice());
    let mut headers = rdr.headers().map_err(|e| whole(e.to_string()))?.clone();
    if let Some(first) = headers.get(0) {
        if let Some(stripped) = first.strip_prefix('\u{feff}') {
            let mut h: Vec<String> = headers.iter().map(str::to_string).collect();
            h[0] = stripped.to_string();
            headers = csv::StringRecord::from(h);
            rdr.set_headers(headers.clone());
        }
    }
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| match e.kind() {
            csv::ErrorKind::UnequalLengths {
                pos: Some(pos),
                expected_len,
                len,
            } => TableError {
                path: name.to_string(),
                line: Some(lines.line_at(&bytes, pos.byte() as usize)),
                field: None,
                message: format!("{len} fields, expected {expected_len} as in the header"),
            },
            _ => whole(e.to_string()),
        })?;
        let line = rec
            .position()
            .map_or(0, |p| lines.line_at(&bytes, p.byte() as usize));
        let value: T = rec.deserialize(Some(&headers)).map_err(|e| {
            let (index, kind) = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => (err.field(), err.kind().to_string()),
                _ => (None, e.to_string()),
            };
            let field = index
                .and_then(|i| headers.get(i as usize))
                .map(str::to_string);
            let message = match index.and_then(|i| rec.get(i as usize)) {
                Some(raw) => format!("cannot read `{raw}`: {kind}"),
                None => kind,
            };
            TableError {
                path: name.to_string(),
                line: Some(line),
                field,
                message,
            }
        })?;
        out.push(Row { line, value });
    }
    Ok(out)
}

/// Line numbers from byte offsets, counted by the table reader itself: `csv`'s
/// own count drifts by one on files with CRLF line ends (most spreadsheet
/// exports). A line ends at `\n`, `\r\n` or a lone `\r`. Offsets must be asked
/// in increasing order; O(bytes) over a whole table.
#[derive(Debug, Default)]
struct LineCounter {
    byte: usize,
    line: u64,
}

impl LineCounter {
    /// 1-based line of the record starting at `offset` in `bytes`.
    fn line_at(&mut self, bytes: &[u8], offset: usize) -> u64 {
        // `csv` may place a record's start on the end of the line before it
        // (the `\n` of a `\r\n`); a record never starts with a line end.
        let mut offset = offset.min(bytes.len());
        while matches!(bytes.get(offset), Some(b'\n' | b'\r')) {
            offset += 1;
        }
        for i in self.byte..offset {
            let ends = match bytes[i] {
                b'\n' => true,
                b'\r' => bytes.get(i + 1) != Some(&b'\n'),
                _ => false,
            };
            self.line += u64::from(ends);
        }
        self.byte = self.byte.max(offset);
        self.line + 1
    }
}

/// Checks that `lon`/`lat` are finite degrees in range; the error names the row
/// and field.
pub fn check_lonlat(path: &Path, line: u64, lon: f64, lat: f64) -> Result<(), TableError> {
    if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
        return Err(TableError::at(
            path,
            line,
            "lon",
            format!("{lon} is not a longitude in degrees"),
        ));
    }
    if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
        return Err(TableError::at(
            path,
            line,
            "lat",
            format!("{lat} is not a latitude in degrees"),
        ));
    }
    Ok(())
}

/// Fails on a table with no rows (an empty file, or a header alone) where
/// rows are required: `what` names one row ("shelter").
pub fn require_rows<T>(path: &Path, rows: &[Row<T>], what: &str) -> Result<(), TableError> {
    if rows.is_empty() {
        return Err(TableError {
            path: path.display().to_string(),
            line: None,
            field: None,
            message: format!(
                "empty table: no {what} rows (expected a header line and one row per {what})"
            ),
        });
    }
    Ok(())
}

/// Records `id` (from `line`) in `seen`, failing on an empty or repeated id; the
/// error names both lines.
pub fn check_unique<'a>(
    path: &Path,
    seen: &mut HashMap<&'a str, u64>,
    id: &'a str,
    line: u64,
) -> Result<(), TableError> {
    if id.is_empty() {
        return Err(TableError::at(path, line, "id", "empty id"));
    }
    if let Some(first) = seen.insert(id, line) {
        return Err(TableError::at(
            path,
            line,
            "id",
            format!("duplicate id `{id}` (first on line {first})"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct R {
        #[allow(dead_code)]
        id: String,
        n: u32,
    }

    fn bad_line(text: &str) -> Option<u64> {
        read_table_from::<R, _>(text.as_bytes(), "t.csv")
            .unwrap_err()
            .line
    }

    #[test]
    fn line_numbers_count_every_line_ending_and_quoted_breaks() {
        // The bad row is the third data row, on line 4 of the file.
        for eol in ["\n", "\r\n", "\r"] {
            let text = ["id,n", "a,1", "b,2", "c,x", "d,4"].join(eol) + eol;
            assert_eq!(bad_line(&text), Some(4), "{eol:?}");
            let bom = format!("\u{feff}{text}");
            assert_eq!(bad_line(&bom), Some(4), "BOM, {eol:?}");
        }
        // A quoted field spanning two lines moves the later rows down.
        let text = "id,n\r\n\"a\r\nb\",1\r\nc,x\r\n";
        assert_eq!(bad_line(text), Some(4));
        let rows = read_table_from::<R, _>("id,n\r\na,1\r\nb,2\r\n".as_bytes(), "t.csv").unwrap();
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(rows[1].value.n, 2);
    }
}
