//! Stock mix of a layout: how much of each item each site (today's warehouses and
//! the opened candidates) should hold so that the stock meets the 1.2 % norm and
//! can serve two concurrent Level-I events (seed 002 §8.2.2) by the relief
//! deadline, at least cost; and the marginal value (dual price) of one more unit
//! of each item at each site.
//!
//! Per item this LP is a min-cost flow, solved by our network simplex (items in
//! parallel with `solve_many`); its potentials are the duals. Nodes: a purchase
//! node P, every site, every shelter, an idle sink Z.
//!
//! - site supply = today's units; P supplies what is missing to reach
//!   max(norm, event demand); Z takes what is held but not shipped;
//! - P → site: buying, cost [`PURCHASE_COST`] per unit, up to the site's room
//!   (a candidate: capacity_persons × the item's relief norm; a warehouse:
//!   [`EXPANSION_SHARE`] × today's units, assumption);
//! - site → shelter (reachable by the relief deadline in scenario 0): 1 per unit
//!   and 0.1 min of travel, unbounded; site → Z: free.
//!
//! The marginal value of a unit at site j is π_j − π_anchor (anchor = P when units
//! are bought, else Z): the cost saved if j held one more unit (checked against a
//! re-solve in the tests).

use rayon::prelude::*;
use serde::Serialize;
use solver::mcf::{solve_many, FlowNetwork, Outcome, SupplyMode};
use solver::siting::to_units;

use super::SiteInputs;
use crate::facility::{ItemIx, ShelterIx, WarehouseIx};
use crate::plan::demand;
use crate::scenario::events::two_level_one;
use crate::scenario::whatif::apply;
use crate::scenario::Scenario;
use crate::supplies::norms::LIFE_SUPPORT_SHARE;

/// Cost of buying one unit, in haulage cost units (unit × 0.1 min); large, so units
/// are bought only when today's stock cannot do.
pub const PURCHASE_COST: i64 = 1_000_000;
/// Room an existing warehouse has for more of an item, share of today's units (assumption).
pub const EXPANSION_SHARE: f64 = 0.5;

/// One item at one site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteItem {
    /// Site id (warehouse or candidate).
    pub site: String,
    /// Item name.
    pub item: String,
    /// Units held today.
    pub units_now: u64,
    /// Units to buy.
    pub units_buy: u64,
    /// Units to hold after buying.
    pub units_hold: u64,
    /// Units the events draw from this site.
    pub units_shipped: u64,
    /// Cost saved by one more unit here (haulage units of unit × 0.1 min; a bought
    /// unit costs [`PURCHASE_COST`]).
    pub marginal_value: i64,
}

/// One item's totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemMix {
    /// Item name.
    pub item: String,
    /// Units the 1.2 % norm asks for (one day of relief for 1.2 % of residents).
    pub norm_units: u64,
    /// Units the two events need by the relief deadline.
    pub event_units: u64,
    /// Units held today (all sites).
    pub units_now: u64,
    /// Units to buy.
    pub units_buy: u64,
    /// Event units no site can deliver after buying.
    pub units_short: u64,
    /// Why units are short: `room` (today's units plus every site's room to buy fall
    /// below what is needed), `reach` (enough room, but not within the relief
    /// deadline of the shelters that need it), or empty when nothing is short.
    pub short_reason: String,
    /// Optimal cost (haulage + purchase units).
    pub cost: i128,
}

/// The stock mix.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct StockMix {
    /// The two-event placement used.
    pub events: String,
    /// Residents the norm applies to (None: no population table, norm 0).
    pub residents: Option<u64>,
    /// Per item.
    pub items: Vec<ItemMix>,
    /// Per item and site.
    pub sites: Vec<SiteItem>,
}

/// The flow network of one item (see the module docs); also returns the P and Z
/// node indices.
#[allow(clippy::too_many_arguments)]
pub fn item_network(
    now: &[u64],
    room: &[u64],
    demand: &[u64],
    norm: u64,
    reach: &dyn Fn(usize, usize) -> Option<i64>,
) -> (FlowNetwork, u32, u32) {
    let (ns, nh) = (now.len(), demand.len());
    let held: u64 = now.iter().sum();
    let need: u64 = demand.iter().sum::<u64>().max(norm);
    let buy = need.saturating_sub(held);
    let mut net = FlowNetwork::new(0);
    for &u in now {
        net.add_node(u as i64);
    }
    for &d in demand {
        net.add_node(-(d as i64));
    }
    let p = net.add_node(buy as i64);
    let idle = held + buy - demand.iter().sum::<u64>().min(held + buy);
    let z = net.add_node(-(idle as i64));
    for (j, &r) in room.iter().enumerate() {
        if r > 0 {
            net.add_arc(p, j as u32, r as i64, PURCHASE_COST);
        }
        net.add_arc(j as u32, z, solver::mcf::UNBOUNDED, 0);
        for i in 0..nh {
            if let Some(c) = reach(j, i) {
                net.add_arc(j as u32, (ns + i) as u32, solver::mcf::UNBOUNDED, c);
            }
        }
    }
    (net, p, z)
}

/// Computes the stock mix of the layout `open` (instance site indices).
pub fn compute(
    sc: &Scenario,
    inp: &SiteInputs,
    open: &[usize],
) -> Result<StockMix, super::SiteError> {
    let events = two_level_one(sc, 2);
    let Some(ev) = events.first() else {
        return Ok(StockMix::default());
    };
    let event_sc = apply(sc, ev);
    let d = demand::compute(&event_sc.shelters, &sc.catalogue);
    let cat = &sc.catalogue;
    let ni = cat.items.len();
    let residents = sc.residents.as_ref().map(|r| r.values().sum::<u64>());
    let fixed = inp.instance.fixed;
    let sites: Vec<usize> = (0..fixed).chain(open.iter().copied()).collect();
    let site_id = |j: usize| -> String {
        if j < fixed {
            sc.warehouses[j].id.clone()
        } else {
            inp.candidates[j - fixed].id.clone()
        }
    };
    let m0 = &inp.instance.scenarios[0];
    let limit = to_units(Some(sc.targets.relief_h));
    let reach = |a: usize, i: usize| -> Option<i64> {
        let t = m0.row(sites[a])[i];
        (t <= limit).then_some(i64::from(t) + 1)
    };
    let nh = sc.shelters.len();
    // Per item: (units now, room to buy, event demand per shelter, norm units).
    type ItemInput = (Vec<u64>, Vec<u64>, Vec<u64>, u64);
    let per_item: Vec<ItemInput> = (0..ni)
        .map(|i| {
            let item = &cat.items[i];
            let now: Vec<u64> = sites
                .iter()
                .map(|&j| {
                    if j < fixed {
                        sc.stock.get(WarehouseIx(j), ItemIx(i)).floor() as u64
                    } else {
                        0
                    }
                })
                .collect();
            let room: Vec<u64> = sites
                .iter()
                .zip(&now)
                .map(|(&j, &u)| {
                    if j < fixed {
                        (u as f64 * EXPANSION_SHARE).floor() as u64
                    } else {
                        (f64::from(inp.candidates[j - fixed].capacity_persons)
                            * item.relief_per_person)
                            .ceil() as u64
                    }
                })
                .collect();
            let dem: Vec<u64> = (0..nh)
                .map(|s| {
                    d.get(demand::Phase::First, ShelterIx(s), ItemIx(i))
                        + d.get(demand::Phase::Relief, ShelterIx(s), ItemIx(i))
                })
                .collect();
            let norm = residents.map_or(0, |r| {
                (r as f64 * LIFE_SUPPORT_SHARE * item.relief_per_person).ceil() as u64
            });
            (now, room, dem, norm)
        })
        .collect();
    let nets: Vec<(FlowNetwork, u32, u32)> = per_item
        .par_iter()
        .map(|(now, room, dem, norm)| item_network(now, room, dem, *norm, &reach))
        .collect();
    let flows: Vec<FlowNetwork> = nets.iter().map(|n| n.0.clone()).collect();
    let outcomes = solve_many(&flows, SupplyMode::MeetMaxDemand);
    let mut mix = StockMix {
        events: ev.name.clone(),
        residents,
        ..Default::default()
    };
    for (i, ((now, room, dem, norm), ((net, p, z), out))) in
        per_item.iter().zip(nets.iter().zip(outcomes)).enumerate()
    {
        let out =
            out.map_err(|e| super::SiteError::Plan(crate::plan::PlanError::Solver(e.to_string())))?;
        let Outcome::Optimal(sol) = out else {
            return Err(super::SiteError::Plan(crate::plan::PlanError::Solver(
                format!("stock mix of {}: {}", cat.items[i].item, out.status()),
            )));
        };
        let bought_at = |a: usize| -> u64 {
            net.arcs
                .iter()
                .zip(&sol.flow)
                .filter(|(arc, _)| arc.tail == *p && arc.head == a as u32)
                .map(|(_, &f)| f as u64)
                .sum()
        };
        let shipped_from = |a: usize| -> u64 {
            net.arcs
                .iter()
                .zip(&sol.flow)
                .filter(|(arc, _)| arc.tail == a as u32 && arc.head != *z)
                .map(|(_, &f)| f as u64)
                .sum()
        };
        let buy_total: u64 = (0..sites.len()).map(bought_at).sum();
        let anchor = if net.supply[*p as usize] > 0 { *p } else { *z };
        for (a, &j) in sites.iter().enumerate() {
            let b = bought_at(a);
            mix.sites.push(SiteItem {
                site: site_id(j),
                item: cat.items[i].item.clone(),
                units_now: now[a],
                units_buy: b,
                units_hold: now[a] + b,
                units_shipped: shipped_from(a),
                marginal_value: sol.potential[a] - sol.potential[anchor as usize],
            });
        }
        let short = sol
            .unmet_demand
            .iter()
            .take(sites.len() + dem.len())
            .sum::<i64>() as u64;
        let capacity: u64 = now.iter().sum::<u64>() + room.iter().sum::<u64>();
        let need = dem.iter().sum::<u64>().max(*norm);
        mix.items.push(ItemMix {
            item: cat.items[i].item.clone(),
            norm_units: *norm,
            event_units: dem.iter().sum(),
            units_now: now.iter().sum(),
            units_buy: buy_total,
            units_short: short,
            short_reason: match (short > 0, capacity < need) {
                (false, _) => String::new(),
                (true, true) => "room".into(),
                (true, false) => "reach".into(),
            },
            cost: sol.total_cost,
        });
    }
    Ok(mix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use solver::lp::mcf_as_lp;
    use solver::mcf::solve;

    /// Two sites, three shelters; site 1 is closer to shelters 1 and 2.
    fn case(now: [u64; 2]) -> (FlowNetwork, u32, u32) {
        let times = [[10, 40, 60], [50, 10, 20]];
        item_network(&now, &[100, 100], &[30, 20, 25], 90, &|j, i| {
            Some(times[j][i])
        })
    }

    fn cost(now: [u64; 2]) -> i128 {
        let (net, _, _) = case(now);
        solve(&net, SupplyMode::MeetMaxDemand)
            .unwrap()
            .optimal()
            .unwrap()
            .total_cost
    }

    #[test]
    fn duals_equal_the_saving_of_one_more_unit() {
        let now = [40, 10];
        let (net, p, _) = case(now);
        let sol = solve(&net, SupplyMode::MeetMaxDemand).unwrap();
        let sol = sol.optimal().unwrap();
        // Norm 90 > demand 75 > held 50: 40 units are bought.
        assert_eq!(net.supply[p as usize], 40);
        for j in 0..2 {
            let mut more = now;
            more[j] += 1;
            let saving = cost(now) - cost(more);
            assert_eq!(
                saving,
                i128::from(sol.potential[j] - sol.potential[p as usize]),
                "site {j}"
            );
        }
        // The same optimum from the LP (good_lp / microlp).
        let lp = mcf_as_lp(&net).solve().unwrap();
        assert!((lp.objective - sol.total_cost as f64).abs() < 1e-6 * lp.objective.abs().max(1.0));
    }
}
