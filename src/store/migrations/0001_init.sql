-- reliefflow service store, version 1. The same statements run on SQLite and
-- PostgreSQL: BIGINT, DOUBLE PRECISION and TEXT only; ids are given by the
-- application (meta.next_id), never by the database.

-- Counters: ledger_version (bumped by every change to what is available),
-- next_id (ids of tokens, incidents, plans and ledger events), seeded (1 once the
-- scenario's tables are in).
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);

CREATE TABLE warehouses (
    id TEXT PRIMARY KEY,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    trucks BIGINT NOT NULL,
    payload_kg DOUBLE PRECISION NOT NULL,
    volume_m3 DOUBLE PRECISION NOT NULL,
    loading_h DOUBLE PRECISION NOT NULL
);

-- Units on hand per warehouse and item (item units, whole).
CREATE TABLE stock (
    warehouse_id TEXT NOT NULL,
    item TEXT NOT NULL,
    on_hand BIGINT NOT NULL,
    PRIMARY KEY (warehouse_id, item)
);

CREATE TABLE shelters (
    id TEXT PRIMARY KEY,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    district TEXT NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    headcount BIGINT NOT NULL,
    elderly BIGINT NOT NULL,
    children BIGINT NOT NULL,
    pregnant BIGINT NOT NULL,
    disabled BIGINT NOT NULL,
    injured BIGINT NOT NULL
);

-- Bearer tokens, stored as SHA-256 hex; role viewer | officer | admin.
CREATE TABLE tokens (
    id BIGINT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    label TEXT NOT NULL,
    created_unix BIGINT NOT NULL
);

-- shelters, closed_ways: JSON arrays (empty shelters: every open shelter).
CREATE TABLE incidents (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    event_time TEXT NOT NULL,
    shelters TEXT NOT NULL,
    closed_ways TEXT NOT NULL,
    created_by BIGINT NOT NULL,
    created_unix BIGINT NOT NULL
);

-- status draft | issued | released. needs: JSON [[warehouse_id, item, units]]
-- the plan takes from stock; document: the plan as the CLI's plan.json.
CREATE TABLE plans (
    id BIGINT PRIMARY KEY,
    incident_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    ledger_version BIGINT NOT NULL,
    needs TEXT NOT NULL,
    document TEXT NOT NULL,
    created_by BIGINT NOT NULL,
    created_unix BIGINT NOT NULL,
    changed_unix BIGINT NOT NULL
);

-- Units a plan holds, per warehouse and item; state reserved | released.
CREATE TABLE reservations (
    plan_id BIGINT NOT NULL,
    warehouse_id TEXT NOT NULL,
    item TEXT NOT NULL,
    units BIGINT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (plan_id, warehouse_id, item)
);

-- Every change of a unit's state, with the plan and the token that made it:
-- the accountability record, appended to, never rewritten.
CREATE TABLE ledger_events (
    id BIGINT PRIMARY KEY,
    at_unix BIGINT NOT NULL,
    token_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    warehouse_id TEXT NOT NULL,
    item TEXT NOT NULL,
    units BIGINT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL
);

INSERT INTO meta (key, value) VALUES ('ledger_version', 0);
INSERT INTO meta (key, value) VALUES ('next_id', 0);
INSERT INTO meta (key, value) VALUES ('seeded', 0);
