-- Version 2: each plan keeps its trips as the CLI's trips.csv, byte for byte,
-- for the drivers' sheets and spreadsheets (plans stored before have none).
ALTER TABLE plans ADD COLUMN trips_csv TEXT NOT NULL DEFAULT '';
