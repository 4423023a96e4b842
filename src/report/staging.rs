//! Output folders written all or nothing.
//!
//! A report's files are written into a staging folder inside the output folder
//! (same file system) and moved into place one by one only after every file
//! was written. A run that fails on any file leaves the previous outputs as
//! they were, never a folder mixing an old plan and a new one; the staging
//! folder is removed either way, and one left by a killed process is swept by
//! the next run into the same folder.

use std::path::{Path, PathBuf};

use super::write_error::{create_folder, WriteError};

/// A staging folder for some files of one output folder.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    stage: PathBuf,
    names: Vec<String>,
}

impl Staging {
    /// Creates `dir` if needed and an empty staging folder inside it.
    pub fn new(dir: &Path) -> Result<Staging, WriteError> {
        create_folder(dir)?;
        sweep_stale(dir);
        let stage = dir.join(format!(".staging-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&stage);
        create_folder(&stage)?;
        Ok(Staging {
            dir: dir.to_path_buf(),
            stage,
            names: Vec::new(),
        })
    }

    /// Where to write the file `name` (a plain file name); it is moved to
    /// `dir/name` by [`Staging::commit`].
    pub fn file(&mut self, name: &str) -> PathBuf {
        debug_assert!(!name.contains(['/', '\\']) && name != ".." && name != ".");
        self.names.push(name.to_string());
        self.stage.join(name)
    }

    /// Moves every staged file into the output folder (each move atomic) and
    /// removes the staging folder.
    pub fn commit(self) -> Result<(), WriteError> {
        for name in &self.names {
            let (from, to) = (self.stage.join(name), self.dir.join(name));
            std::fs::rename(&from, &to).map_err(|e| WriteError {
                path: to.display().to_string(),
                message: format!("cannot move the new file into place: {e}"),
            })?;
        }
        Ok(())
    }
}

/// Removes the staging folders in `dir` left by processes that no longer run
/// (killed mid-write); those of running processes are theirs. Only where a
/// process's liveness can be read (`/proc`), else nothing is removed.
fn sweep_stale(dir: &Path) {
    let proc = Path::new("/proc/self");
    if !proc.exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(".staging-"))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            tracing::debug!("removing {} (its process is gone)", e.path().display());
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Writes the single file `path` through `write` (given a temporary path
/// beside it) and moves it into place only when `write` succeeded, so `path`
/// is never half-written and a failure leaves the previous file as it was.
pub fn atomically(
    path: &Path,
    write: impl FnOnce(&Path) -> Result<(), WriteError>,
) -> Result<(), WriteError> {
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let result = write(&tmp).and_then(|()| {
        std::fs::rename(&tmp, path).map_err(|e| WriteError {
            path: path.display().to_string(),
            message: format!("cannot move the new file into place: {e}"),
        })
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.stage);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_appear_only_on_commit_and_a_failed_run_changes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.csv"), "old a").unwrap();
        std::fs::write(dir.join("b.csv"), "old b").unwrap();
        // A run that writes a.csv and then fails before b.csv.
        {
            let mut s = Staging::new(&dir).unwrap();
            std::fs::write(s.file("a.csv"), "new a").unwrap();
            let _ = s.file("b.csv");
        }
        assert_eq!(std::fs::read_to_string(dir.join("a.csv")).unwrap(), "old a");
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            2,
            "no staging left"
        );
        // A run that writes both.
        let mut s = Staging::new(&dir).unwrap();
        std::fs::write(s.file("a.csv"), "new a").unwrap();
        std::fs::write(s.file("b.csv"), "new b").unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("a.csv")).unwrap(), "old a");
        s.commit().unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("a.csv")).unwrap(), "new a");
        assert_eq!(std::fs::read_to_string(dir.join("b.csv")).unwrap(), "new b");
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            2,
            "no staging left"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn staging_left_by_a_killed_process_is_swept_and_a_running_ones_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        // No process has this id (Linux pids stop at 2^22).
        let dead = dir.join(".staging-4000000000");
        let alive = dir.join(format!(".staging-{}", std::os::unix::process::parent_id()));
        for d in [&dead, &alive] {
            std::fs::create_dir_all(d).unwrap();
            std::fs::write(d.join("plan.json"), "half").unwrap();
        }
        let s = Staging::new(&dir).unwrap();
        assert!(!dead.exists(), "a dead process's staging is swept");
        assert!(alive.join("plan.json").exists(), "a running one's is kept");
        drop(s);
    }
}
