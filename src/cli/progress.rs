//! Progress on the terminal: each stage a library reports becomes an `indicatif`
//! bar (a spinner when the step count is unknown), hidden when stderr is not a
//! terminal.

use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};
use reliefflow::progress::Progress;

/// Draws the current stage as a bar on stderr.
#[derive(Default)]
pub struct TerminalProgress {
    bar: Mutex<Option<ProgressBar>>,
}

impl Progress for TerminalProgress {
    fn begin(&self, what: &str, steps: u64) {
        let (bar, template) = if steps == 0 {
            (
                ProgressBar::new_spinner(),
                "{spinner} {msg}: {pos} ({elapsed})",
            )
        } else {
            (
                ProgressBar::new(steps),
                "{bar:40} {pos}/{len} {msg} ({elapsed}, eta {eta})",
            )
        };
        bar.set_style(ProgressStyle::with_template(template).expect("valid template"));
        bar.set_message(what.to_string());
        if let Some(old) = self.bar.lock().expect("progress lock").replace(bar) {
            old.finish_and_clear();
        }
    }

    fn step(&self, n: u64) {
        if let Some(b) = self.bar.lock().expect("progress lock").as_ref() {
            b.inc(n);
        }
    }

    fn end(&self) {
        if let Some(b) = self.bar.lock().expect("progress lock").take() {
            b.finish_and_clear();
        }
    }
}
