-- Version 8: one live plan per incident, plans made from a plan time,
-- conflicts only where plans touch, tokens that expire or are revoked, and
-- every action recorded with who, when, incident, plan and trip.
--
-- incidents.live_plan: the incident's issued plan (0: none); version: bumped
-- by every change to its disruption (a draft made before is refused at issue).
ALTER TABLE incidents ADD COLUMN live_plan BIGINT NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
-- plans.plan_unix: the plan time (nothing loads before it; 0: the event, for
-- plans stored before); assumed: JSON of what the draft assumed (the incident's
-- version, each shelter's and warehouse's inventory version), re-checked at issue.
ALTER TABLE plans ADD COLUMN plan_unix BIGINT NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN assumed TEXT NOT NULL DEFAULT '{}';
-- Inventory versions: bumped by every change to a shelter's counts or opening,
-- and to a warehouse's fleet.
ALTER TABLE shelters ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE warehouses ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
-- Tokens: when they stop working (0: never) and when they were revoked (0: not).
ALTER TABLE tokens ADD COLUMN expires_unix BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tokens ADD COLUMN revoked_unix BIGINT NOT NULL DEFAULT 0;
-- A store written before this version may hold two issued plans of one
-- incident (the double dispatch this version prevents): the newest stays
-- live, older ones are marked superseded (their bookings stay as they are).
UPDATE plans SET status = 'superseded' WHERE status = 'issued' AND id < (SELECT MAX(p.id) FROM plans p WHERE p.incident_id = plans.incident_id AND p.status = 'issued');
UPDATE incidents SET live_plan = COALESCE((SELECT MAX(p.id) FROM plans p WHERE p.incident_id = incidents.id AND p.status = 'issued'), 0);
-- The database itself refuses a second issued plan of an incident.
CREATE UNIQUE INDEX one_issued_plan ON plans (incident_id) WHERE status = 'issued';
-- Every action (created, drafted, issued, superseded, released, departed,
-- delivered, stocktake, fleet and shelter changes, token changes), in commit
-- order (ids are taken last in each transaction): the audit trail, and what
-- every server tells its event streams.
CREATE TABLE actions (
    id BIGINT PRIMARY KEY,
    at_unix BIGINT NOT NULL,
    token_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    incident_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    trip BIGINT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX actions_incident ON actions (incident_id, id);
