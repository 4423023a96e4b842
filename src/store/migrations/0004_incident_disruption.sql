-- Version 4: what an incident does besides closing ways (closed areas, closures
-- given as map points, slow areas, warehouses lost) as JSON, and every change
-- made to an incident after it was created, with when and who.
ALTER TABLE incidents ADD COLUMN disruption TEXT NOT NULL DEFAULT '{}';
CREATE TABLE incident_events (
    id BIGINT PRIMARY KEY,
    at_unix BIGINT NOT NULL,
    token_id BIGINT NOT NULL,
    incident_id BIGINT NOT NULL,
    change TEXT NOT NULL
);
