//! Packing lines into truckloads within payload (kg) and volume (m³).

use crate::facility::Fleet;
use crate::plan::load::Line;
use crate::supplies::Catalogue;

/// Packs lines into loads of at most `payload_kg` and `volume_m3`: lines of the
/// earlier phase first, then by item priority. Lines whose single unit does not
/// fit an empty truck are returned separately.
pub fn pack(lines: &[Line], catalogue: &Catalogue, fleet: &Fleet) -> (Vec<Vec<Line>>, Vec<Line>) {
    let mut left: Vec<Line> = lines.to_vec();
    left.sort_by(|a, b| {
        (a.phase as u8)
            .cmp(&(b.phase as u8))
            .then(
                catalogue.items[b.item]
                    .priority
                    .total_cmp(&catalogue.items[a.item].priority),
            )
            .then(a.item.cmp(&b.item))
    });
    let mut too_big = Vec::new();
    left.retain(|l| {
        let it = &catalogue.items[l.item];
        let fits = it.kg_per_unit <= fleet.payload_kg && it.m3_per_unit <= fleet.volume_m3;
        if !fits {
            too_big.push(*l);
        }
        fits
    });
    let mut loads = Vec::new();
    while left.iter().any(|l| l.quantity > 0) {
        let mut load = Vec::new();
        let mut used = (0.0, 0.0);
        fill(&mut load, &mut used, &mut left, catalogue, fleet);
        loads.push(load);
    }
    (loads, too_big)
}

/// Moves as many units of `lines` (in order) into `load` as fit beside `used`
/// (kg, m³) in a truck of `fleet`; `lines` keep what did not fit.
pub fn fill(
    load: &mut Vec<Line>,
    used: &mut (f64, f64),
    lines: &mut [Line],
    catalogue: &Catalogue,
    fleet: &Fleet,
) {
    for l in lines.iter_mut().filter(|l| l.quantity > 0) {
        let it = &catalogue.items[l.item];
        let by_kg = ((fleet.payload_kg - used.0) / it.kg_per_unit + 1e-9).floor();
        let by_m3 = ((fleet.volume_m3 - used.1) / it.m3_per_unit + 1e-9).floor();
        let n = l.quantity.min(by_kg.min(by_m3).max(0.0) as u64);
        if n > 0 {
            used.0 += n as f64 * it.kg_per_unit;
            used.1 += n as f64 * it.m3_per_unit;
            l.quantity -= n;
            load.push(Line { quantity: n, ..*l });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::demand::Phase;

    #[test]
    fn packing_respects_payload_and_volume() {
        let c = Catalogue::sphere_default();
        let fleet = Fleet {
            trucks: 1,
            payload_kg: 1000.0,
            volume_m3: 2.0,
            loading_h: 0.5,
        };
        let water = c.index_of("water").unwrap();
        let quilt = c.index_of("quilt").unwrap();
        let line = |item, quantity| Line {
            item,
            quantity,
            phase: Phase::First,
        };
        let (loads, too_big) = pack(&[line(water, 2500), line(quilt, 150)], &c, &fleet);
        assert!(too_big.is_empty());
        let mut total = [0u64; 2];
        for l in &loads {
            let kg: f64 = l
                .iter()
                .map(|x| x.quantity as f64 * c.items[x.item].kg_per_unit)
                .sum();
            let m3: f64 = l
                .iter()
                .map(|x| x.quantity as f64 * c.items[x.item].m3_per_unit)
                .sum();
            assert!(kg <= 1000.0 + 1e-6 && m3 <= 2.0 + 1e-6, "{kg} kg {m3} m3");
            for x in l {
                total[usize::from(x.item == quilt)] += x.quantity;
            }
        }
        assert_eq!(total, [2500, 150]);
        // 2 500 kg water + 300 kg quilts (3 m³) need at least 3 trucks by weight.
        assert!(loads.len() >= 3);
    }
}
