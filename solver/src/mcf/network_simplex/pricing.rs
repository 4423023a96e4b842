//! Pricing: block search for the entering arc.

use super::*;

impl NetworkSimplex {
    /// Block search for an arc violating its optimality condition: scans arcs from
    /// where the last search stopped, in blocks; returns the most violating arc of
    /// the first block that has one.
    #[inline]
    pub(super) fn find_entering_arc(&mut self) -> bool {
        let m = self.arc_num;
        let start = self.next_arc;
        let mut min = 0i64;
        let mut cnt = self.block_size;
        let mut best = usize::MAX;
        // Two passes (start..m, then 0..start) over pre-sliced arrays, so the hot
        // loop has no wrap test and the compiler drops most bounds checks.
        for (lo, hi) in [(start, m), (0, start)] {
            let state = &self.state[lo..hi];
            let cost = &self.cost[lo..hi];
            let src = &self.source[lo..hi];
            let tgt = &self.target[lo..hi];
            let pi = &self.pi[..];
            for i in 0..state.len() {
                let c = state[i] as i64 * (cost[i] + pi[src[i] as usize] - pi[tgt[i] as usize]);
                if c < min {
                    min = c;
                    best = lo + i;
                }
                cnt -= 1;
                if cnt == 0 {
                    if min < 0 {
                        self.in_arc = best;
                        self.next_arc = if lo + i + 1 == m { 0 } else { lo + i + 1 };
                        return true;
                    }
                    cnt = self.block_size;
                }
            }
        }
        if min < 0 {
            self.in_arc = best;
            self.next_arc = start;
            return true;
        }
        false
    }
}
