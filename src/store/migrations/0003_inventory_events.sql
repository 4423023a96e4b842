-- Version 3: every inventory change (a stocktake correction, a shelter's
-- headcount or priority counts) with when and who: appended, never rewritten.
CREATE TABLE inventory_events (
    id BIGINT PRIMARY KEY,
    at_unix BIGINT NOT NULL,
    token_id BIGINT NOT NULL,
    target TEXT NOT NULL,
    field TEXT NOT NULL,
    old_value BIGINT NOT NULL,
    new_value BIGINT NOT NULL,
    note TEXT NOT NULL
);
