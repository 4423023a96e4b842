//! One-to-many Dijkstra with early stopping, reusable across queries.
//!
//! State is reset in O(1) with a generation stamp, so a worker thread can run
//! thousands of queries on one allocation. Each query is O((n + m) log n) in the
//! worst case and stops as soon as every target is settled (or the time limit is
//! passed).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::disruption::{EdgeWeights, CLOSED};
use super::graph::{EdgeId, NodeId, RoadGraph};

/// Reusable Dijkstra state for one graph.
#[derive(Debug, Clone)]
pub struct Dijkstra {
    dist_ms: Vec<u32>,
    metres: Vec<f32>,
    pred: Vec<EdgeId>,
    stamp: Vec<u32>,
    target_stamp: Vec<u32>,
    generation: u32,
    heap: BinaryHeap<Reverse<(u32, NodeId)>>,
}

const NO_PRED: EdgeId = u32::MAX;

impl Dijkstra {
    /// State for a graph of `node_count` nodes.
    pub fn new(node_count: usize) -> Self {
        Self {
            dist_ms: vec![u32::MAX; node_count],
            metres: vec![0.0; node_count],
            pred: vec![NO_PRED; node_count],
            stamp: vec![0; node_count],
            target_stamp: vec![0; node_count],
            generation: 0,
            heap: BinaryHeap::new(),
        }
    }

    fn next_generation(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.fill(0);
            self.target_stamp.fill(0);
            self.generation = 1;
        }
        self.heap.clear();
    }

    /// Shortest travel times from `source` until every node of `targets` is settled
    /// or the next node is farther than `limit_ms`. An empty `targets` slice means
    /// "settle everything within the limit".
    pub fn run(
        &mut self,
        graph: &RoadGraph,
        weights: &EdgeWeights,
        source: NodeId,
        targets: &[NodeId],
        limit_ms: u32,
    ) {
        self.next_generation();
        let gen = self.generation;
        let mut remaining = 0usize;
        for &t in targets {
            if self.target_stamp[t as usize] != gen {
                self.target_stamp[t as usize] = gen;
                remaining += 1;
            }
        }
        let settle_all = targets.is_empty();
        self.stamp[source as usize] = gen;
        self.dist_ms[source as usize] = 0;
        self.metres[source as usize] = 0.0;
        self.pred[source as usize] = NO_PRED;
        self.heap.push(Reverse((0, source)));
        while let Some(Reverse((d, u))) = self.heap.pop() {
            let ui = u as usize;
            if d > self.dist_ms[ui] {
                continue;
            }
            if d > limit_ms {
                break;
            }
            if self.target_stamp[ui] == gen {
                remaining -= 1;
                if remaining == 0 && !settle_all {
                    break;
                }
            }
            let m_u = self.metres[ui];
            for e in graph.out_edges(u) {
                let w = weights.time_ms[e];
                if w == CLOSED {
                    continue;
                }
                let v = graph.head[e] as usize;
                let nd = d.saturating_add(w);
                if nd == u32::MAX {
                    continue;
                }
                if self.stamp[v] != gen || nd < self.dist_ms[v] {
                    self.stamp[v] = gen;
                    self.dist_ms[v] = nd;
                    self.metres[v] = m_u + graph.length_m[e];
                    self.pred[v] = e as EdgeId;
                    self.heap.push(Reverse((nd, v as NodeId)));
                }
            }
        }
    }

    /// Travel time (ms) and length (m) to `v` from the last run's source, if `v` was
    /// reached. Only exact for settled nodes (all targets of a completed run).
    pub fn distance(&self, v: NodeId) -> Option<(u32, f32)> {
        let i = v as usize;
        (self.stamp[i] == self.generation).then(|| (self.dist_ms[i], self.metres[i]))
    }

    /// Edges of the shortest path to `v`, source first.
    pub fn path_edges(&self, graph: &RoadGraph, v: NodeId) -> Option<Vec<EdgeId>> {
        self.distance(v)?;
        let mut edges = Vec::new();
        let mut cur = v as usize;
        while self.pred[cur] != NO_PRED {
            let e = self.pred[cur];
            edges.push(e);
            cur = graph.tail[e as usize] as usize;
        }
        edges.reverse();
        Some(edges)
    }
}
