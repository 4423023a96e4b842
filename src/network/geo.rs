//! Plane and sphere geometry on WGS84 coordinates: great-circle distance, a local
//! metric projection for spatial indexing, and point-in-polygon tests.
//!
//! Coordinates are `[lon, lat]` in decimal degrees throughout, as in GeoJSON.

/// Mean Earth radius in metres (IUGG).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres between two `[lon, lat]` points (haversine).
pub fn haversine_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (lat1, lat2) = (a[1].to_radians(), b[1].to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b[0] - a[0]).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Initial great-circle bearing from `a` to `b`, degrees clockwise from north in
/// `[0, 360)` (0 for equal points).
pub fn bearing_deg(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (lat1, lat2) = (a[1].to_radians(), b[1].to_radians());
    let dlon = (b[0] - a[0]).to_radians();
    let y = dlon.sin() * lat2.cos();
    let x = lat1.cos() * lat2.sin() - lat1.sin() * lat2.cos() * dlon.cos();
    y.atan2(x).to_degrees().rem_euclid(360.0)
}

/// Distance from `q` to the segment `a`–`b`, all in one plane (e.g. metres of a
/// [`LocalProjection`]).
pub fn segment_distance(q: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((q[0] - a[0]) * dx + (q[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (px, py) = (a[0] + t * dx - q[0], a[1] + t * dy - q[1]);
    (px * px + py * py).sqrt()
}

/// Equirectangular projection around a reference latitude: `[x, y]` in metres.
/// Accurate to well under 1 % over a city-sized extract, which is all snapping needs.
#[derive(Debug, Clone, Copy)]
pub struct LocalProjection {
    cos_lat0: f64,
}

impl LocalProjection {
    /// A projection centred on `lat0_deg` (degrees).
    pub fn new(lat0_deg: f64) -> Self {
        Self {
            cos_lat0: lat0_deg.to_radians().cos(),
        }
    }

    /// Projects `[lon, lat]` (degrees) to `[x, y]` (metres).
    pub fn project(&self, p: [f64; 2]) -> [f64; 2] {
        [
            p[0].to_radians() * self.cos_lat0 * EARTH_RADIUS_M,
            p[1].to_radians() * EARTH_RADIUS_M,
        ]
    }
}

/// A polygon with holes, `[lon, lat]` rings, as read from GeoJSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Polygon {
    /// Outer ring followed by hole rings; rings may or may not repeat the first point.
    pub rings: Vec<Vec<[f64; 2]>>,
    bbox: [f64; 4],
}

impl Polygon {
    /// Builds a polygon from rings (outer first). Returns `None` when the outer ring
    /// has fewer than three points.
    pub fn new(rings: Vec<Vec<[f64; 2]>>) -> Option<Self> {
        let outer = rings.first()?;
        if outer.len() < 3 {
            return None;
        }
        let mut bbox = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for p in outer {
            bbox[0] = bbox[0].min(p[0]);
            bbox[1] = bbox[1].min(p[1]);
            bbox[2] = bbox[2].max(p[0]);
            bbox[3] = bbox[3].max(p[1]);
        }
        Some(Self { rings, bbox })
    }

    /// Bounding box `[min_lon, min_lat, max_lon, max_lat]` of the outer ring.
    pub fn bbox(&self) -> [f64; 4] {
        self.bbox
    }

    /// True when `p` lies inside the outer ring and outside every hole
    /// (even-odd rule; points exactly on an edge may fall either way).
    pub fn contains(&self, p: [f64; 2]) -> bool {
        let b = self.bbox;
        if p[0] < b[0] || p[0] > b[2] || p[1] < b[1] || p[1] > b[3] {
            return false;
        }
        self.rings.iter().filter(|r| ring_contains(r, p)).count() % 2 == 1
    }

    /// Planar area in square metres (shoelace on the local projection; holes subtracted).
    pub fn area_m2(&self) -> f64 {
        let proj = LocalProjection::new((self.bbox[1] + self.bbox[3]) / 2.0);
        let mut total = 0.0;
        for (i, ring) in self.rings.iter().enumerate() {
            let pts: Vec<[f64; 2]> = ring.iter().map(|&p| proj.project(p)).collect();
            let mut a = 0.0;
            for k in 0..pts.len() {
                let (p, q) = (pts[k], pts[(k + 1) % pts.len()]);
                a += p[0] * q[1] - q[0] * p[1];
            }
            let a = a.abs() / 2.0;
            total += if i == 0 { a } else { -a };
        }
        total
    }
}

/// Even-odd ray casting for one ring.
fn ring_contains(ring: &[[f64; 2]], p: [f64; 2]) -> bool {
    let mut inside = false;
    let n = ring.len();
    let mut j = n - 1;
    for i in 0..n {
        let (a, b) = (ring[i], ring[j]);
        if (a[1] > p[1]) != (b[1] > p[1]) {
            let x = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
            if p[0] < x {
                inside = !inside;
            }
        }
        j = i;
    }
    inside
}

/// An area made of one or more polygons (a GeoJSON Polygon, MultiPolygon or a
/// FeatureCollection of them).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Area {
    /// The polygons; a point is inside the area when it is inside any of them.
    pub polygons: Vec<Polygon>,
}

impl Area {
    /// True when `p` (`[lon, lat]`) is inside any polygon.
    pub fn contains(&self, p: [f64; 2]) -> bool {
        self.polygons.iter().any(|poly| poly.contains(p))
    }
}

/// Converts GCJ-02 ("Mars") coordinates, used by Chinese map providers, to WGS84.
/// One inverse iteration of the public GCJ-02 forward formula; error below 1 m
/// inside mainland China. Points outside China are returned unchanged.
pub fn gcj02_to_wgs84(p: [f64; 2]) -> [f64; 2] {
    let (lon, lat) = (p[0], p[1]);
    if !(72.004..=137.8347).contains(&lon) || !(0.8293..=55.8271).contains(&lat) {
        return p;
    }
    let mut w = [lon, lat];
    for _ in 0..3 {
        let g = wgs84_to_gcj02(w);
        w[0] -= g[0] - lon;
        w[1] -= g[1] - lat;
    }
    w
}

/// GCJ-02 forward transform (WGS84 → GCJ-02), the published reference algorithm.
pub fn wgs84_to_gcj02(p: [f64; 2]) -> [f64; 2] {
    const A: f64 = 6_378_245.0;
    const EE: f64 = 0.006_693_421_622_965_943;
    let (lon, lat) = (p[0], p[1]);
    let (x, y) = (lon - 105.0, lat - 35.0);
    let mut dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    dlat += (20.0 * (6.0 * x * std::f64::consts::PI).sin()
        + 20.0 * (2.0 * x * std::f64::consts::PI).sin())
        * 2.0
        / 3.0;
    dlat += (20.0 * (y * std::f64::consts::PI).sin()
        + 40.0 * (y / 3.0 * std::f64::consts::PI).sin())
        * 2.0
        / 3.0;
    dlat += (160.0 * (y / 12.0 * std::f64::consts::PI).sin()
        + 320.0 * (y * std::f64::consts::PI / 30.0).sin())
        * 2.0
        / 3.0;
    let mut dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    dlon += (20.0 * (6.0 * x * std::f64::consts::PI).sin()
        + 20.0 * (2.0 * x * std::f64::consts::PI).sin())
        * 2.0
        / 3.0;
    dlon += (20.0 * (x * std::f64::consts::PI).sin()
        + 40.0 * (x / 3.0 * std::f64::consts::PI).sin())
        * 2.0
        / 3.0;
    dlon += (150.0 * (x / 12.0 * std::f64::consts::PI).sin()
        + 300.0 * (x / 30.0 * std::f64::consts::PI).sin())
        * 2.0
        / 3.0;
    let radlat = lat.to_radians();
    let magic = 1.0 - EE * radlat.sin() * radlat.sin();
    let sqrt_magic = magic.sqrt();
    dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * std::f64::consts::PI);
    dlon = (dlon * 180.0) / (A / sqrt_magic * radlat.cos() * std::f64::consts::PI);
    [lon + dlon, lat + dlat]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearings_point_the_right_way() {
        let o = [116.4, 39.9];
        assert!(bearing_deg(o, [116.4, 40.0]).abs() < 1e-9);
        assert!((bearing_deg(o, [116.5, 39.9]) - 90.0).abs() < 0.1);
        assert!((bearing_deg(o, [116.4, 39.8]) - 180.0).abs() < 1e-9);
        assert!((bearing_deg(o, [116.3, 39.9]) - 270.0).abs() < 0.1);
    }

    #[test]
    fn haversine_one_degree_latitude_is_about_111_km() {
        let d = haversine_m([116.0, 39.0], [116.0, 40.0]);
        assert!((d - 111_195.0).abs() < 50.0, "{d}");
    }

    #[test]
    fn polygon_with_hole() {
        let outer = vec![[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]];
        let hole = vec![[4.0, 4.0], [6.0, 4.0], [6.0, 6.0], [4.0, 6.0]];
        let p = Polygon::new(vec![outer, hole]).unwrap();
        assert!(p.contains([1.0, 1.0]));
        assert!(!p.contains([5.0, 5.0]));
        assert!(!p.contains([11.0, 5.0]));
    }

    #[test]
    fn gcj02_round_trip_matches_the_shelter_file() {
        // bj0 from shared/data/beijing/shelter_points.csv: GCJ-02 and its WGS84 conversion.
        let w = gcj02_to_wgs84([116.358316, 39.880533]);
        assert!(haversine_m(w, [116.3521323, 39.8791785]) < 2.0, "{w:?}");
    }
}
