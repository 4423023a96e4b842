//! Which shortest-path engine answers: Dijkstra (the reference, no preparation)
//! or the CCH (prepared once per graph, customized per disruption).
//!
//! [`Engine::Auto`] picks the CCH when the graph's CCH structure is at hand
//! (loaded with the graph from its cache, or prepared earlier) and the work is
//! more than a few searches; measured on the bundled Beijing graph (49 k nodes),
//! a customization costs about two one-to-many Dijkstra searches, and each CCH
//! row is 4–5× cheaper than a search (`benches/README.md`, "Routing engine").
//! The user forces one with `--engine` or `RELIEFFLOW_ENGINE`.

use std::sync::OnceLock;

use super::cch::CchEngine;
use super::disruption::EdgeWeights;
use super::graph::{NodeId, RoadGraph};
use super::matrix::{DijkstraEngine, MatrixEngine, TravelMatrix};
use super::route::{fastest_route, Route};
use crate::progress::Progress;

/// A shortest-path engine choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// The CCH when prepared and worth its customization, else Dijkstra.
    #[default]
    Auto,
    /// One-to-many Dijkstra searches.
    Dijkstra,
    /// The customizable contraction hierarchy (prepared on first use).
    Cch,
}

impl std::str::FromStr for Engine {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Engine::Auto),
            "dijkstra" => Ok(Engine::Dijkstra),
            "cch" => Ok(Engine::Cch),
            other => Err(format!(
                "unknown engine `{other}`: expected auto, dijkstra or cch"
            )),
        }
    }
}

impl Engine {
    /// Whether this choice answers with the CCH on `graph` for work of about
    /// `searches` one-to-many searches (see [`Engine::Auto`]).
    pub fn picks_cch(self, graph: &RoadGraph, searches: usize) -> bool {
        match self {
            Engine::Cch => true,
            Engine::Dijkstra => false,
            Engine::Auto => graph.routing.get().is_some() && searches >= AUTO_MIN_SEARCHES,
        }
    }
}

static DEFAULT: OnceLock<Engine> = OnceLock::new();

/// Sets the process-wide engine (the CLI's `--engine`); the first call wins.
pub fn set_default(engine: Engine) {
    let _ = DEFAULT.set(engine);
}

/// The process-wide engine: as set, else `RELIEFFLOW_ENGINE`, else auto. An
/// unreadable `RELIEFFLOW_ENGINE` is reported once and ignored.
pub fn default_engine() -> Engine {
    *DEFAULT.get_or_init(|| match std::env::var("RELIEFFLOW_ENGINE") {
        Ok(v) => v.parse().unwrap_or_else(|e| {
            tracing::warn!("RELIEFFLOW_ENGINE: {e}; using auto");
            Engine::Auto
        }),
        Err(_) => Engine::Auto,
    })
}

/// Fewest searches (the smaller side of a matrix) for which auto customizes.
pub const AUTO_MIN_SEARCHES: usize = 3;

/// Shortest paths on one graph under one set of weights, by the engine chosen.
pub enum Router<'a> {
    /// Dijkstra searches.
    Dijkstra(DijkstraEngine<'a>),
    /// One CCH customization.
    Cch(CchEngine<'a>),
}

impl<'a> Router<'a> {
    /// The router `engine` gives for work of about `searches` one-to-many
    /// searches (the smaller side of the matrices it will answer).
    pub fn new(
        graph: &'a RoadGraph,
        weights: &'a EdgeWeights,
        engine: Engine,
        searches: usize,
    ) -> Self {
        if engine.picks_cch(graph, searches) {
            Router::Cch(CchEngine::new(graph, weights))
        } else {
            Router::Dijkstra(DijkstraEngine::new(graph, weights))
        }
    }

    /// [`Router::new`] with the process-wide engine.
    pub fn auto(graph: &'a RoadGraph, weights: &'a EdgeWeights, searches: usize) -> Self {
        Self::new(graph, weights, default_engine(), searches)
    }

    /// The fastest route, or `None` when unreachable.
    pub fn route(&self, graph: &RoadGraph, from: NodeId, to: NodeId) -> Option<Route> {
        match self {
            Router::Dijkstra(d) => fastest_route(graph, d.weights(), from, to),
            Router::Cch(c) => c.route(from, to).map(|f| found_route(graph, from, f)),
        }
    }
}

/// A CCH route as a [`Route`] (nodes and ways of its road edges).
pub fn found_route(graph: &RoadGraph, from: NodeId, f: super::cch::query::Found) -> Route {
    let mut nodes = Vec::with_capacity(f.edges.len() + 1);
    nodes.push(from);
    nodes.extend(f.edges.iter().map(|&e| graph.head[e as usize]));
    Route {
        seconds: f64::from(f.ms) / 1000.0,
        metres: f64::from(f.metres),
        nodes,
        ways: f.edges.iter().map(|&e| graph.way_id[e as usize]).collect(),
    }
}

impl std::fmt::Debug for Router<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl MatrixEngine for Router<'_> {
    fn name(&self) -> &'static str {
        match self {
            Router::Dijkstra(d) => d.name(),
            Router::Cch(c) => c.name(),
        }
    }

    fn matrix(&self, from: &[NodeId], to: &[NodeId], progress: &dyn Progress) -> TravelMatrix {
        match self {
            Router::Dijkstra(d) if to.len() < from.len() => {
                progress.begin("sources", from.len() as u64);
                let m = super::matrix::travel_matrix_to_few(d.graph(), d.weights(), from, to);
                progress.step(from.len() as u64);
                progress.end();
                m
            }
            Router::Dijkstra(d) => d.matrix(from, to, progress),
            Router::Cch(c) => c.matrix(from, to, progress),
        }
    }
}
