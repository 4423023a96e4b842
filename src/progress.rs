//! Progress reporting from long computations, without a user interface.
//!
//! Algorithms take a `&dyn Progress` and say what they are doing; the caller
//! decides how to show it: the command line draws a bar on the terminal, the
//! service can forward it to a browser, tests count the steps. Nothing here
//! depends on a terminal library.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Receives progress from a computation. Calls may come from several threads.
pub trait Progress: Sync {
    /// A new stage named `what` (e.g. "sources", "plans") of `steps` steps; 0
    /// steps means the count is not known in advance.
    fn begin(&self, what: &str, steps: u64);
    /// `n` more steps of the current stage are done.
    fn step(&self, n: u64);
    /// The current stage is over.
    fn end(&self);
}

/// Shows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn begin(&self, _: &str, _: u64) {}
    fn step(&self, _: u64) {}
    fn end(&self) {}
}

/// Records every stage and counts its steps: for tests, and for callers that
/// poll progress instead of drawing it (a background job's status).
#[derive(Debug, Default)]
pub struct Tally {
    stages: Mutex<Vec<Stage>>,
    current: AtomicU64,
}

/// One stage seen by a [`Tally`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// The stage's name.
    pub what: String,
    /// Steps announced (0: unknown).
    pub steps: u64,
    /// Steps reported done (set when the stage ends).
    pub done: u64,
    /// True once the stage has ended.
    pub ended: bool,
}

impl Tally {
    /// The stages seen so far, the current one last.
    pub fn stages(&self) -> Vec<Stage> {
        let mut v = self.stages.lock().expect("tally lock").clone();
        if let Some(last) = v.last_mut().filter(|s| !s.ended) {
            last.done = self.current.load(Ordering::Relaxed);
        }
        v
    }
}

impl Progress for Tally {
    fn begin(&self, what: &str, steps: u64) {
        self.current.store(0, Ordering::Relaxed);
        self.stages.lock().expect("tally lock").push(Stage {
            what: what.to_string(),
            steps,
            done: 0,
            ended: false,
        });
    }

    fn step(&self, n: u64) {
        self.current.fetch_add(n, Ordering::Relaxed);
    }

    fn end(&self) {
        if let Some(last) = self.stages.lock().expect("tally lock").last_mut() {
            last.done = self.current.load(Ordering::Relaxed);
            last.ended = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_counts_steps_per_stage() {
        let t = Tally::default();
        t.begin("a", 3);
        std::thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| t.step(1));
            }
        });
        t.end();
        t.begin("b", 0);
        t.step(5);
        let st = t.stages();
        assert_eq!(st.len(), 2);
        assert_eq!((st[0].steps, st[0].done, st[0].ended), (3, 3, true));
        assert_eq!(
            (st[1].what.as_str(), st[1].done, st[1].ended),
            ("b", 5, false)
        );
    }
}
