//! One scratch file per fuzzing process, for the readers that take a path.

use std::path::PathBuf;
use std::sync::OnceLock;

/// The path of the scratch file `name` in a temporary folder that lives as
/// long as the process (one name per process: the first call decides).
pub fn path(name: &str) -> &'static PathBuf {
    static FILE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &FILE
        .get_or_init(|| {
            let d = tempfile::tempdir().expect("temporary folder");
            let p = d.path().join(name);
            (d, p)
        })
        .1
}
