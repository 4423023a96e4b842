//! Whole-number shares: splitting a count of people or units in proportion to
//! weights so that the parts add up exactly.

/// Splits `total` in proportion to `weights` by largest remainders (ties to the
/// lower index); the parts add up to `total` exactly. All-zero weights split evenly.
pub fn apportion(total: u64, weights: &[f64]) -> Vec<u64> {
    if weights.is_empty() {
        return Vec::new();
    }
    let sum: f64 = weights.iter().sum();
    let w: Vec<f64> = if sum > 0.0 {
        weights.to_vec()
    } else {
        vec![1.0; weights.len()]
    };
    let sum: f64 = w.iter().sum();
    let exact: Vec<f64> = w.iter().map(|x| total as f64 * x / sum).collect();
    let mut parts: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
    let given: u64 = parts.iter().sum();
    let mut order: Vec<usize> = (0..w.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    for &k in order
        .iter()
        .cycle()
        .take(total.saturating_sub(given) as usize)
    {
        parts[k] += 1;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_adds_up_and_follows_weights() {
        assert_eq!(apportion(10, &[1.0, 1.0, 2.0]), vec![3, 2, 5]);
        assert_eq!(apportion(7, &[0.0, 0.0]), vec![4, 3]);
        assert_eq!(apportion(0, &[3.0]), vec![0]);
        let p = apportion(11_100, &[19749.0, 9413.0, 4461.0, 7234.0]);
        assert_eq!(p.iter().sum::<u64>(), 11_100);
        assert!(p[0] > p[1] && p[1] > p[3] && p[3] > p[2]);
    }
}
