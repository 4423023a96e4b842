//! An incident's plans through their lives: draft → issued → superseded (by an
//! issued re-plan) or released. At most one plan of an incident is issued (the
//! live plan); a draft made while one is live is a re-plan of it.
//!
//! **The clock.** Every draft has a plan time: now (the next whole minute), or
//! the time an officer gives (an exercise). No truck starts loading before it,
//! nor before it is back from work booked by any incident; deadlines stay
//! anchored at the event (first batch by 6 h, relief by 12 h), so the plan
//! says how long is left to each, as clock times in the scenario's zone, and
//! warns when a deadline had passed at the plan time.
//!
//! **Conflicts only where plans touch.** A draft records what it assumed (the
//! incident's version, the shelters' counts and the fleets it planned with,
//! the highest trip number of the incident); issuing re-checks exactly those,
//! and the stock and trucks its trips take, in one transaction
//! ([`crate::store::issue`]). `on_stale=replan` drafts again and issues
//! when such a conflict is found, at most [`AUTO_REPLANS`] times.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::{json, Value};

use super::diff::diff;
use super::draft::{self, DraftInput, DraftOptions};
use super::{Ops, OpsError};
use crate::plan::Effort;
use crate::store::dispatch::TripState;
use crate::store::incidents::IncidentRecord;
use crate::store::records::{
    Assumed, Caller, NewDraft, PlanConflict, PlanRecord, PlanStatus, TripBooking,
};

/// Stale drafts re-planned at most, per issue request.
pub const AUTO_REPLANS: usize = 3;

/// What a draft or re-plan asks of the planner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DraftRequest {
    /// Matrices and search options.
    pub opts: DraftOptions,
    /// A re-plan keeps the live plan's trips not yet gone that still work
    /// (`false`: plans them again from scratch).
    pub keep: bool,
    /// The plan time, seconds since 1970 UTC (`None`: now, rounded up to the
    /// minute).
    pub at: Option<i64>,
}

impl Default for DraftRequest {
    fn default() -> Self {
        DraftRequest {
            opts: DraftOptions {
                cold: false,
                effort: Effort::Sweep,
            },
            keep: true,
            at: None,
        }
    }
}

/// A stored draft and the answer describing it.
#[derive(Debug, Clone)]
pub struct Drafted {
    /// The draft's id.
    pub plan_id: i64,
    /// The incident's id.
    pub incident_id: i64,
    /// The answer: `{plan_id, incident_id, status, plan_unix, needs, plan,
    /// seconds, effort}`, and `replaces`, `changes` for a re-plan.
    pub answer: Value,
}

/// What an issue did.
#[derive(Debug, Clone)]
pub struct IssueOutcome {
    /// The plan issued (another than asked for after a re-plan at issue).
    pub plan_id: i64,
    /// Its incident.
    pub incident_id: i64,
    /// The plan it superseded.
    pub superseded: Option<i64>,
    /// True when it was issued already and nothing was booked again.
    pub already: bool,
    /// The stale plan asked for, when a re-plan was issued instead.
    pub replanned_from: Option<i64>,
    /// The re-plan's draft answer, when one was made.
    pub draft: Option<Value>,
}

/// The next whole minute after `unix` (a draft made at 01:47:10 loads from
/// 01:48).
pub fn next_minute(unix: i64) -> i64 {
    unix.div_euclid(60) * 60 + if unix.rem_euclid(60) == 0 { 0 } else { 60 }
}

impl Ops {
    /// Drafts a plan for incident `incident_id`: a re-plan of its live plan if
    /// it has one, else a fresh plan.
    pub async fn draft(
        self: &Arc<Self>,
        by: Caller,
        incident_id: i64,
        req: DraftRequest,
    ) -> Result<Drafted, OpsError> {
        let incident = self
            .store
            .incident(incident_id)
            .await?
            .ok_or_else(|| OpsError::NotFound(format!("no incident {incident_id}")))?;
        let replaces = match incident.live_plan {
            Some(live) => Some(self.plan_or_404(live).await?),
            None => None,
        };
        self.make_draft(by, incident, replaces, req).await
    }

    /// Drafts a re-plan of issued plan `plan_id`: its trips under way stay as
    /// they are (their trucks busy until back, their loads counted as sent),
    /// the rest is planned again against the incident as it is now, with the
    /// stock and trucks of its trips that have not left.
    pub async fn replan(
        self: &Arc<Self>,
        by: Caller,
        plan_id: i64,
        req: DraftRequest,
    ) -> Result<Drafted, OpsError> {
        let old = self.plan_or_404(plan_id).await?;
        if old.status != PlanStatus::Issued {
            return Err(PlanConflict::State {
                id: plan_id,
                status: old.status,
                wanted: "issued",
            }
            .into());
        }
        let incident =
            self.store.incident(old.incident_id).await?.ok_or_else(|| {
                OpsError::Internal(format!("plan {plan_id} of a missing incident"))
            })?;
        self.make_draft(by, incident, Some(old), req).await
    }

    /// Issues draft `plan_id`. Issuing an issued plan again returns it and
    /// books nothing. With `replan_when_stale`, a draft refused for a stale
    /// assumption, stock or a truck taken since is drafted again (a re-plan of
    /// the live plan if there is one) and that draft issued, at most
    /// [`AUTO_REPLANS`] times; only a draft may be issued this way (an issued,
    /// superseded or released plan is a `wrong_state` conflict).
    pub async fn issue(
        self: &Arc<Self>,
        by: Caller,
        plan_id: i64,
        replan_when_stale: bool,
    ) -> Result<IssueOutcome, OpsError> {
        let (incident_id, status) = self
            .store
            .plan_state(plan_id)
            .await?
            .ok_or_else(|| OpsError::NotFound(format!("no plan {plan_id}")))?;
        if replan_when_stale && status != PlanStatus::Draft {
            return Err(PlanConflict::State {
                id: plan_id,
                status,
                wanted: "draft",
            }
            .into());
        }
        let mut current = plan_id;
        let mut draft = None;
        for _ in 0..=AUTO_REPLANS {
            match self.store.issue(by, current).await {
                Ok(done) => {
                    return Ok(IssueOutcome {
                        plan_id: done.plan_id,
                        incident_id,
                        superseded: done.superseded,
                        already: done.already,
                        replanned_from: (current != plan_id).then_some(plan_id),
                        draft,
                    })
                }
                Err(e) if replan_when_stale && worth_replanning(&e) => {
                    let next = self.draft(by, incident_id, DraftRequest::default()).await?;
                    tracing::info!(
                        stale = current,
                        plan_id = next.plan_id,
                        "re-planned at issue: {e}"
                    );
                    current = next.plan_id;
                    draft = Some(next.answer);
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(OpsError::StillStale {
            plan: plan_id,
            tries: AUTO_REPLANS,
        })
    }

    /// Releases issued plan `plan_id` (its trips not gone give their stock and
    /// trucks back); `false` when it was released already.
    pub async fn release(&self, by: Caller, plan_id: i64) -> Result<bool, OpsError> {
        Ok(self.store.release(by, plan_id).await?)
    }

    /// Trip `trip` of plan `plan_id` has left (`Departed`) or unloaded
    /// (`Delivered`).
    pub async fn advance(
        &self,
        by: Caller,
        plan_id: i64,
        trip: i64,
        to: TripState,
    ) -> Result<(), OpsError> {
        Ok(self.store.advance_trip(by, plan_id, trip, to).await?)
    }

    /// Plan `id`, or [`OpsError::NotFound`].
    pub async fn plan_or_404(&self, id: i64) -> Result<PlanRecord, OpsError> {
        self.store
            .plan(id)
            .await?
            .ok_or_else(|| OpsError::NotFound(format!("no plan {id}")))
    }

    /// Drafts a plan for `incident` (a re-plan of `replaces` when given) and
    /// stores it.
    async fn make_draft(
        self: &Arc<Self>,
        by: Caller,
        incident: IncidentRecord,
        replaces: Option<PlanRecord>,
        req: DraftRequest,
    ) -> Result<Drafted, OpsError> {
        let t0 = std::time::Instant::now();
        let incident_id = incident.id;
        let plan_unix = req
            .at
            .unwrap_or_else(|| next_minute(crate::store::now_unix()));
        let mut input = DraftInput {
            warehouses: self.store.warehouses().await?,
            shelters: self.store.shelters().await?,
            busy_until: self
                .store
                .trucks_busy_until(replaces.as_ref().map_or(-1, |p| p.id))
                .await?,
            returning: BTreeMap::new(),
            sent: Vec::new(),
            plan_unix,
            incident,
        };
        let trips_upto = self.store.top_trip(incident_id).await?;
        let assumed = Assumed {
            incident_version: input.incident.version,
            shelters: input
                .shelters
                .iter()
                .filter(|s| {
                    input.incident.shelters.is_empty() || input.incident.shelters.contains(&s.id)
                })
                .map(|s| (s.id.clone(), s.version))
                .collect(),
            warehouses: input
                .warehouses
                .iter()
                .map(|w| (w.id.clone(), w.version))
                .collect(),
            trips_upto,
        };
        let mut under_way = BTreeSet::new();
        let mut not_gone = BTreeSet::new();
        if let Some(old) = &replaces {
            for t in self.store.trips_of(old.id).await? {
                match t.state {
                    TripState::Reserved => {
                        not_gone.insert(t.trip);
                        for (item, units) in t.loads {
                            *input
                                .returning
                                .entry((t.warehouse_id.clone(), item))
                                .or_default() += units;
                        }
                    }
                    TripState::Departed | TripState::Delivered => {
                        under_way.insert(t.trip);
                    }
                    TripState::Released => {}
                }
            }
            input.sent = old
                .trips
                .iter()
                .filter(|t| under_way.contains(&t.trip))
                .flat_map(|t| t.lines.iter().cloned())
                .collect();
        }
        let sc = draft::scenario(&self.base, &input)?;
        let keep: Vec<TripBooking> = match &replaces {
            Some(old) if req.keep => old
                .trips
                .iter()
                .filter(|t| not_gone.contains(&t.trip))
                .cloned()
                .collect(),
            _ => Vec::new(),
        };
        let key = json!({
            "incident": input.incident,
            "warehouses": input.warehouses,
            "shelters": input.shelters,
            "busy_until": input.busy_until,
            "returning": input.returning.iter().collect::<Vec<_>>(),
            "sent": input.sent,
            "keep": keep,
            "plan_unix": plan_unix,
            "trips_upto": trips_upto,
            "cold": req.opts.cold,
            "effort": format!("{:?}", req.opts.effort),
        });
        // A re-plan steers its bounds by what the plan it replaces delivered.
        let bound_target = replaces.as_ref().and_then(|old| {
            let k = &old.document["kpis"];
            Some((k["first_kg"].as_f64()?, k["relief_kg"].as_f64()?))
        });
        let inputs = super::memo::inputs_digest(&key);
        let cell = self.drafts.cell(&inputs);
        let ops = self.clone();
        let computed = cell
            .get_or_try_init(|| async move {
                let _permit = ops.cpu_permit().await?;
                let ops = ops.clone();
                tokio::task::spawn_blocking(move || {
                    draft::compute(
                        &sc,
                        &ops,
                        req.opts,
                        &keep,
                        bound_target,
                        trips_upto,
                        &inputs,
                    )
                })
                .await
                .map_err(|e| OpsError::Internal(format!("planner: {e}")))?
                .map(Arc::new)
                .map_err(OpsError::Planner)
            })
            .await?
            .clone();
        let supersedes = replaces.as_ref().map_or(0, |p| p.id);
        let plan_id = self
            .store
            .create_draft(
                by,
                NewDraft {
                    incident_id,
                    plan_unix,
                    assumed: &assumed,
                    content: &computed.content,
                    supersedes,
                },
            )
            .await?;
        self.geojson
            .store_later(self, plan_id, computed.geojson.clone());
        let mut plan = computed.document.clone();
        plan["clock"] = self.clock_section(input.incident.event_unix, plan_unix);
        let mut answer = json!({
            "plan_id": plan_id,
            "incident_id": incident_id,
            "status": "draft",
            "plan_unix": plan_unix,
            "plan_time": self.clock.local(plan_unix),
            "needs": computed.needs,
            "plan": plan,
            "seconds": t0.elapsed().as_secs_f64(),
            "effort": if req.opts.effort == Effort::Full { "full" } else { "quick" },
        });
        if let Some(old) = &replaces {
            answer["replaces"] = json!(old.id);
            answer["changes"] = json!(diff(&old.trips, &under_way, &computed.trips));
        }
        tracing::info!(
            plan_id,
            incident = incident_id,
            replaces = supersedes,
            "draft"
        );
        Ok(Drafted {
            plan_id,
            incident_id,
            answer,
        })
    }

    /// The plan's clock: event, plan time and both deadlines as local times
    /// with the date, the hours left to each at the plan time (negative:
    /// passed), and a warning for each deadline already passed.
    pub fn clock_section(&self, event_unix: i64, plan_unix: i64) -> Value {
        let at = |h: f64| event_unix + (h * 3600.0).round() as i64;
        let plan_h = (plan_unix - event_unix) as f64 / 3600.0;
        let mut c =
            crate::report::clock::section(&self.base.targets, plan_h, &|h| self.clock.local(at(h)));
        c["timezone"] = json!(self.clock.name());
        c["event_unix"] = json!(event_unix);
        c["plan_unix"] = json!(plan_unix);
        for d in ["first_deadline", "relief_deadline"] {
            let h = c[d]["hours_after_event"].as_f64().unwrap_or(0.0);
            c[d]["at_unix"] = json!(at(h));
        }
        c
    }
}

/// True for a refusal that a fresh draft may not meet: stale assumptions,
/// stock or trucks taken since.
fn worth_replanning(e: &PlanConflict) -> bool {
    matches!(
        e,
        PlanConflict::Stale { .. }
            | PlanConflict::IncidentChanged { .. }
            | PlanConflict::InventoryChanged { .. }
            | PlanConflict::Short { .. }
            | PlanConflict::TruckBusy { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_start_at_the_next_whole_minute() {
        assert_eq!(next_minute(120), 120);
        assert_eq!(next_minute(121), 180);
        assert_eq!(next_minute(179), 180);
    }
}
