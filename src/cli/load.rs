//! Loading what every scenario command starts from: the scenario folder and its
//! road graph (from the cache when valid), with progress on the terminal.

use std::path::Path;

use anyhow::{Context, Result};

use super::progress::TerminalProgress;
use reliefflow::network::{load_graph, CacheMode, LoadedGraph, Profile};
use reliefflow::scenario::Scenario;

/// How strictly the scenario's tables are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Any bad row is an error (plans, siting).
    Strict,
    /// Bad stock rows become findings (the audit reports them).
    Lenient,
}

/// The scenario in `dir` and its road graph.
pub fn scenario_and_graph(dir: &Path, strictness: Strictness) -> Result<(Scenario, LoadedGraph)> {
    let sc = match strictness {
        Strictness::Strict => Scenario::load(dir),
        Strictness::Lenient => Scenario::load_lenient(dir),
    }
    .with_context(|| format!("loading scenario {}", dir.display()))?;
    let g = load_graph(
        &sc.network,
        &Profile::default(),
        CacheMode::Use,
        &TerminalProgress::default(),
    )
    .with_context(|| format!("road network of scenario {}", dir.display()))?;
    Ok((sc, g))
}
