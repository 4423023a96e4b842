-- Version 6: running totals of what issued plans hold, per warehouse and item
-- (units reserved, units in transit), kept by every transaction that writes a
-- ledger event, so reading stock levels no longer sums the loads of every trip
-- ever booked. Started from the trips booked so far.
CREATE TABLE holds (
    warehouse_id TEXT NOT NULL,
    item TEXT NOT NULL,
    reserved BIGINT NOT NULL,
    in_transit BIGINT NOT NULL,
    PRIMARY KEY (warehouse_id, item)
);
INSERT INTO holds (warehouse_id, item, reserved, in_transit)
    SELECT l.warehouse_id, l.item,
        CAST(SUM(CASE WHEN t.state = 'reserved' THEN l.units ELSE 0 END) AS BIGINT),
        CAST(SUM(CASE WHEN t.state = 'departed' THEN l.units ELSE 0 END) AS BIGINT)
    FROM trip_loads l JOIN trips t ON t.plan_id = l.plan_id AND t.trip = l.trip
    GROUP BY l.warehouse_id, l.item;
-- The trips that keep a truck busy, without the released ones.
CREATE INDEX trips_held ON trips (warehouse_id, truck, return_unix)
    WHERE state IN ('reserved', 'departed', 'delivered');
