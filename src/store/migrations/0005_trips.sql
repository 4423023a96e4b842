-- Version 5: issued plans hold stock and trucks trip by trip. Each trip books
-- its truck from the start of loading to its return (seconds since 1970 UTC,
-- counted from the incident's event_unix) and moves reserved → departed (the
-- load has left the warehouse: on hand goes down) → delivered, or reserved →
-- released. Plans issued before this version keep their holds as trip 0 of
-- their plan (truck -1: no truck booked).
ALTER TABLE incidents ADD COLUMN event_unix BIGINT NOT NULL DEFAULT 0;
UPDATE incidents SET event_unix = created_unix;
-- trip_rows: the draft's trips as JSON (what issuing books); supersedes: the
-- issued plan a re-plan replaces when issued (0: none); geojson: plan.geojson.
ALTER TABLE plans ADD COLUMN trip_rows TEXT NOT NULL DEFAULT '[]';
ALTER TABLE plans ADD COLUMN supersedes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN geojson TEXT NOT NULL DEFAULT '';
CREATE TABLE trips (
    plan_id BIGINT NOT NULL,
    trip BIGINT NOT NULL,
    warehouse_id TEXT NOT NULL,
    truck BIGINT NOT NULL,
    phase TEXT NOT NULL,
    busy_from_unix BIGINT NOT NULL,
    depart_unix BIGINT NOT NULL,
    return_unix BIGINT NOT NULL,
    state TEXT NOT NULL,
    changed_unix BIGINT NOT NULL,
    PRIMARY KEY (plan_id, trip)
);
CREATE TABLE trip_loads (
    plan_id BIGINT NOT NULL,
    trip BIGINT NOT NULL,
    warehouse_id TEXT NOT NULL,
    item TEXT NOT NULL,
    units BIGINT NOT NULL,
    PRIMARY KEY (plan_id, trip, warehouse_id, item)
);
INSERT INTO trips (plan_id, trip, warehouse_id, truck, phase, busy_from_unix, depart_unix, return_unix, state, changed_unix)
    SELECT DISTINCT plan_id, 0, '', -1, 'first', 0, 0, 0, state, 0 FROM reservations;
INSERT INTO trip_loads (plan_id, trip, warehouse_id, item, units)
    SELECT plan_id, 0, warehouse_id, item, units FROM reservations;
DROP TABLE reservations;
ALTER TABLE ledger_events ADD COLUMN trip BIGINT NOT NULL DEFAULT 0;
CREATE INDEX trips_truck ON trips (warehouse_id, truck, state);
CREATE INDEX trip_loads_stock ON trip_loads (warehouse_id, item);
-- Shelters are opened and closed during an incident (1 open, 0 closed; a closed
-- shelter is planned for no more). Inventory events of real-valued fields
-- (payload, volume, loading time) keep their exact values here.
ALTER TABLE shelters ADD COLUMN open BIGINT NOT NULL DEFAULT 1;
ALTER TABLE inventory_events ADD COLUMN old_real DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE inventory_events ADD COLUMN new_real DOUBLE PRECISION NOT NULL DEFAULT 0;
