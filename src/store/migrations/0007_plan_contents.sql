-- Version 7: what a draft contains (plan.json's document, the stock it takes,
-- trips.csv, the trips issuing books, plan.geojson) is stored once per distinct
-- content, under its SHA-256, and each plan row refers to it. Officers asking
-- for the same plan at once get one computation, and now one copy on disk too.
-- Plans stored before keep their content in their own row (content '').
CREATE TABLE plan_contents (
    digest TEXT PRIMARY KEY,
    needs TEXT NOT NULL,
    document TEXT NOT NULL,
    trips_csv TEXT NOT NULL,
    trip_rows TEXT NOT NULL,
    geojson TEXT NOT NULL DEFAULT ''
);
ALTER TABLE plans ADD COLUMN content TEXT NOT NULL DEFAULT '';
