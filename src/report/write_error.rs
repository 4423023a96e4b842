//! The one error every report writer returns: which file, and what failed.

use std::path::Path;

/// Errors writing outputs.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {message}")]
pub struct WriteError {
    /// The file.
    pub path: String,
    /// What failed.
    pub message: String,
}

/// Creates `dir` and its parents.
pub fn create_folder(dir: &Path) -> Result<(), WriteError> {
    std::fs::create_dir_all(dir).map_err(|e| WriteError {
        path: dir.display().to_string(),
        message: format!("cannot create the folder: {e}"),
    })
}

pub(crate) fn werr(path: &Path) -> impl Fn(String) -> WriteError + '_ {
    move |message| WriteError {
        path: path.display().to_string(),
        message,
    }
}
