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
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(reader);
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
        let rec = rec.map_err(|e| whole(e.to_string()))?;
        let line = rec.position().map_or(0, |p| p.line());
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
