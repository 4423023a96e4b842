// A driver's run sheet: one truck's trips in order, each with its load, its
// stops (name, address point, arrival, deadline, what to unload) and the route
// as the streets driven, with a small map. Made to be printed on A4.
"use strict";

async function sheet() {
  const q = new URLSearchParams(location.search);
  const planId = Number(q.get("plan"));
  const wid = q.get("warehouse");
  const truck = Number(q.get("truck"));
  const [p, geo, sh, wh] = await Promise.all([
    api.get("/v1/plans/" + planId),
    api.get("/v1/plans/" + planId + "/plan.geojson"),
    api.get("/v1/shelters"),
    api.get("/v1/warehouses"),
  ]);
  const inc = await api.get("/v1/incidents/" + p.incident_id);
  if (p.plan.clock && p.plan.clock.timezone) api.tz = p.plan.clock.timezone;
  const shelters = new Map(sh.shelters.map((s) => [s.id, s]));
  const w = wh.warehouses.find((x) => x.id === wid);
  const doc = p.plan;
  const legs = new Map();
  for (const f of geo.features) {
    if (f.properties.kind === "route" || f.properties.kind === "return") {
      legs.set(f.properties.from_id + "\u0000" + f.properties.to_id, f);
    }
  }
  const trips = doc.trips.filter((x) => x.warehouse_id === wid && x.truck === truck);
  trips.sort((a, b) => a.depart_h - b.depart_h);
  const id = wid + "-T" + String(truck).padStart(2, "0");
  document.title = t("sheet_title", id);
  const out = document.getElementById("sheet");
  out.replaceChildren(
    el("h1", {}, t("sheet_title", id)),
    el("p", { class: "meta" }, t("sheet_plan", p.plan_id, inc.name, localTime(inc.event_unix) + " (" + api.tz + ")")),
    el("p", { class: "meta" }, t("warehouse") + ": " + (w ? w.name + " (" + w.id + ") " + w.location[1].toFixed(5) + ", " + w.location[0].toFixed(5) : wid))
  );
  if (!trips.length) out.append(el("p", {}, t("sheet_no_trips")));
  const at = (h) => clock(inc.event_unix, h);
  for (const trip of trips) {
    const box = el("section", { class: "trip", "data-trip": trip.trip_id });
    const loading = w ? trip.depart_h - w.loading_h : trip.depart_h;
    box.append(el("h2", {}, t("sheet_trip", trip.trip_id, t(trip.phase), at(loading), at(trip.depart_h), at(trip.return_h))));
    // The small map: every leg of the trip.
    const path = [];
    let from = wid;
    for (const s of trip.stops.map((x) => x.shelter_id).concat([wid])) {
      const f = legs.get(from + "\u0000" + s);
      if (f) path.push(f.geometry.coordinates);
      from = s;
    }
    box.append(miniMap(path, trip.stops.map((s) => shelters.get(s.shelter_id)), w));
    // Load.
    const load = new Map();
    for (const s of trip.stops) for (const l of s.load) load.set(l.item, (load.get(l.item) || 0) + l.quantity);
    const lt = el("table", {}, el("tr", {}, el("th", {}, t("col_item")), el("th", {}, t("quantity"))));
    for (const [item, qn] of load) lt.append(el("tr", {}, el("td", {}, item), el("td", { class: "num" }, String(qn))));
    box.append(el("h3", {}, t("sheet_load")), lt);
    // Stops.
    const deadline = trip.phase === "first" ? doc.targets.first_delivery_h : doc.targets.relief_h;
    const st = el(
      "table",
      { class: "stops" },
      el("tr", {}, el("th", {}, "#"), el("th", {}, t("shelter")), el("th", {}, t("sheet_eta")), el("th", {}, t("sheet_deadline")), el("th", {}, t("sheet_unload")))
    );
    trip.stops.forEach((s, k) => {
      const info = shelters.get(s.shelter_id);
      const name = info ? info.name + " (" + s.shelter_id + ")" : s.shelter_id;
      const addr = info ? t("sheet_address", info.location[1].toFixed(5), info.location[0].toFixed(5)) : "";
      st.append(
        el(
          "tr",
          { "data-shelter": s.shelter_id },
          el("td", { class: "num" }, String(k + 1)),
          el("td", {}, name, el("br"), addr),
          el("td", {}, at(s.arrive_h)),
          el("td", {}, at(deadline)),
          el("td", {}, unloadText(s.load))
        )
      );
    });
    box.append(el("h3", {}, t("sheet_stops")), st);
    // Route, leg by leg.
    box.append(el("h3", {}, t("sheet_route")));
    from = wid;
    for (const s of trip.stops.map((x) => x.shelter_id).concat([wid])) {
      const f = legs.get(from + "\u0000" + s);
      const label = s === wid ? t("sheet_back", wid) : (shelters.get(s) || { name: s }).name;
      const km = f ? (f.properties.metres / 1000).toFixed(1) + " km" : "";
      box.append(el("p", {}, el("b", {}, from + " → " + label), " " + km));
      if (f) {
        const ol = el("ol", { class: "route" });
        for (const [name, m, bearing] of f.properties.streets) {
          const what = name || t("sheet_unnamed");
          ol.append(el("li", {}, what + " — " + (m >= 1000 ? (m / 1000).toFixed(1) + " km" : Math.round(m) + " m") + ", " + t("sheet_heading", compass(bearing))));
        }
        box.append(ol);
      }
      from = s;
    }
    out.append(box);
  }
  document.body.dataset.ready = "1";
}

// What to unload at a stop, first batch before relief: "first: water × 219, …".
function unloadText(load) {
  const parts = [];
  for (const phase of ["first", "relief"]) {
    const lines = load.filter((l) => l.phase === phase).map((l) => l.item + " × " + l.quantity);
    if (lines.length) parts.push(t(phase) + ": " + lines.join(", "));
  }
  return parts.join("; ");
}

// An SVG of the trip's legs (equirectangular, north up), stops numbered.
function miniMap(paths, stops, w) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "map");
  svg.setAttribute("viewBox", "0 0 240 180");
  svg.setAttribute("role", "img");
  const pts = paths.flat();
  if (w) pts.push(w.location);
  for (const s of stops) if (s) pts.push(s.location);
  if (!pts.length) return svg;
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const k = Math.cos(((y0 + y1) / 2) * (Math.PI / 180));
  const scale = Math.min(220 / Math.max((x1 - x0) * k, 1e-6), 160 / Math.max(y1 - y0, 1e-6));
  const xy = (p) => [10 + (p[0] - x0) * k * scale, 170 - (p[1] - y0) * scale];
  for (const path of paths) {
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", path.map((p) => xy(p).join(",")).join(" "));
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", "#000");
    line.setAttribute("stroke-width", "1.5");
    svg.append(line);
  }
  if (w) {
    const [x, y] = xy(w.location);
    const r = document.createElementNS(ns, "rect");
    r.setAttribute("x", x - 5);
    r.setAttribute("y", y - 5);
    r.setAttribute("width", 10);
    r.setAttribute("height", 10);
    svg.append(r);
  }
  stops.forEach((s, i) => {
    if (!s) return;
    const [x, y] = xy(s.location);
    const c = document.createElementNS(ns, "circle");
    c.setAttribute("cx", x);
    c.setAttribute("cy", y);
    c.setAttribute("r", 6);
    c.setAttribute("fill", "#fff");
    c.setAttribute("stroke", "#000");
    const tx = document.createElementNS(ns, "text");
    tx.setAttribute("x", x);
    tx.setAttribute("y", y + 3.5);
    tx.setAttribute("font-size", "9");
    tx.setAttribute("text-anchor", "middle");
    tx.textContent = String(i + 1);
    svg.append(c, tx);
  });
  return svg;
}

document.getElementById("lang").value = LANG;
document.getElementById("lang").addEventListener("change", (e) => {
  setLang(e.target.value);
  sheet();
});
document.getElementById("print").addEventListener("click", () => window.print());
setLang(LANG);
sheet().catch((e) => {
  document.getElementById("sheet").textContent = t("error", e.message);
});
