// The duty officer's console: one incident at a time on a map of the roads the
// service routes on, its plan, and the actions the token's role allows.
"use strict";

const S = {
  role: null,
  warehouses: [],
  shelters: [],
  shelterById: new Map(),
  incidents: [],
  incident: null,
  plans: [], // the incident's plans (id, status)
  planId: null,
  plan: null, // GET /v1/plans/{id}
  tripStates: new Map(), // trip id → state
  geo: null, // plan.geojson
  sort: { key: "trip", dir: 1 },
  tool: null, // "road" | "area" | null
  area: [],
  mine: new Set(), // plan ids this tab drafted, issued or released
  roadZoom: null,
  wayLines: new Map(), // way id → [[lat, lon], …][]
  timing: {},
};

// ---- map -----------------------------------------------------------------
const map = L.map("map", { preferCanvas: true, zoomSnap: 0.5 });
const canvas = L.canvas({ padding: 0.4 });
const layers = {
  districts: L.layerGroup().addTo(map),
  roads: L.layerGroup().addTo(map),
  closed: L.layerGroup().addTo(map),
  routes: L.layerGroup().addTo(map),
  warehouses: L.layerGroup().addTo(map),
  shelters: L.layerGroup().addTo(map),
  draw: L.layerGroup().addTo(map),
};
map.attributionControl.addAttribution("roads © OpenStreetMap contributors (ODbL)");

// Colour-blind-safe classes (ColorBrewer RdYlBu): time to first batch.
const CLASSES = [
  { upTo: 2, color: "#4575b4", key: "legend_2" },
  { upTo: 4, color: "#91bfdb", key: "legend_4" },
  { upTo: 6, color: "#fee090", key: "legend_6" },
  { upTo: Infinity, color: "#fc8d59", key: "legend_late" },
];
const NONE_COLOR = "#d73027";
function arrivalColor(h) {
  if (h === null || h === undefined) return NONE_COLOR;
  return CLASSES.find((c) => h <= c.upTo).color;
}
const legend = L.control({ position: "bottomleft" });
legend.onAdd = () => {
  const d = el("div", { class: "legend", id: "legend" });
  return d;
};
legend.addTo(map);
function drawLegend() {
  const d = document.getElementById("legend");
  d.replaceChildren(el("b", {}, t("legend_title")));
  for (const c of CLASSES) {
    const i = el("i", { style: "background:" + c.color });
    d.append(el("br"), i, t(c.key));
  }
  d.append(el("br"), el("i", { class: "none", style: "background:" + NONE_COLOR }), t("legend_none"));
}

function showError(e) {
  const box = document.getElementById("error");
  box.textContent = t("error", e.message || e);
  box.hidden = false;
  setTimeout(() => (box.hidden = true), 8000);
}

// ---- sign-in and role ------------------------------------------------------
async function signIn() {
  const me = await api.get("/v1/me");
  S.role = me.role;
  document.getElementById("role").textContent =
    t("signed_in_as", me.role) + (me.role === "viewer" ? " — " + t("viewer_note") : "");
  for (const b of document.querySelectorAll(".officer")) {
    b.disabled = me.role === "viewer";
  }
}

// ---- base data ---------------------------------------------------------------
async function loadBase() {
  const [w, s, inc, health] = await Promise.all([
    api.get("/v1/warehouses"),
    api.get("/v1/shelters"),
    api.get("/v1/incidents"),
    api.get("/v1/health"),
  ]);
  if (health.timezone) api.tz = health.timezone;
  S.warehouses = w.warehouses;
  S.shelters = s.shelters;
  S.shelterById = new Map(S.shelters.map((x) => [x.id, x]));
  S.incidents = inc.incidents;
  const pts = S.shelters.map((x) => [x.location[1], x.location[0]]);
  S.warehouses.forEach((x) => pts.push([x.location[1], x.location[0]]));
  if (!S.fitted && pts.length) {
    map.fitBounds(L.latLngBounds(pts).pad(0.05));
    S.fitted = true;
  }
  drawWarehouses();
  const sel = document.getElementById("incident-select");
  sel.replaceChildren(el("option", { value: "" }, t("none")));
  for (const i of S.incidents) {
    sel.append(el("option", { value: i.id }, "#" + i.id + " " + i.name));
  }
  fillWarehouseFilter();
  api.get("/v1/districts").then(drawDistricts, () => {});
}

function fillWarehouseFilter() {
  const fw = document.getElementById("f-warehouse");
  const keep = fw.value;
  fw.replaceChildren(el("option", { value: "" }, t("all")));
  for (const x of S.warehouses) fw.append(el("option", { value: x.id }, x.id));
  fw.value = keep;
}

function drawDistricts(gj) {
  layers.districts.clearLayers();
  L.geoJSON(gj, {
    renderer: canvas,
    interactive: false,
    style: { color: "#6a3d9a", weight: 2, dashArray: "6 4", fill: false },
  }).addTo(layers.districts);
}

async function loadRoads() {
  const z = map.getZoom();
  const want = z < 12.5 ? 11 : z < 14.5 ? 13 : 15;
  if (want === S.roadZoom) return;
  S.roadZoom = want;
  const t0 = performance.now();
  const r = await api.get("/v1/roads?zoom=" + want);
  const t1 = performance.now();
  layers.roads.clearLayers();
  S.wayLines = new Map();
  for (const [id, cls, coords] of r.ways) {
    const ll = coords.map((c) => [c[1], c[0]]);
    if (!S.wayLines.has(id)) S.wayLines.set(id, []);
    S.wayLines.get(id).push(ll);
    L.polyline(ll, {
      renderer: canvas,
      interactive: false,
      color: cls <= 1 ? "#555" : "#999",
      weight: cls <= 1 ? 2 : 1,
    }).addTo(layers.roads);
  }
  S.timing.roads_fetch_ms = t1 - t0;
  S.timing.roads_draw_ms = performance.now() - t1;
  S.timing.road_lines = r.ways.length;
  drawClosures();
}

function drawWarehouses() {
  layers.warehouses.clearLayers();
  for (const w of S.warehouses) {
    const rows = Object.entries(w.stock || {})
      .map(([item, s]) => `<tr><td>${item}</td><td class="num">${s.available} / ${s.on_hand}</td></tr>`)
      .join("");
    L.marker([w.location[1], w.location[0]], { title: w.id, keyboard: true, alt: w.id })
      .bindPopup(`<b>${t("warehouse")} ${w.id}</b><br>${w.name}<br>${t("stock")}<table>${rows}</table>`)
      .addTo(layers.warehouses);
  }
}

function drawShelters() {
  layers.shelters.clearLayers();
  const props = new Map();
  if (S.geo) {
    for (const f of S.geo.features) {
      if (f.properties.kind === "shelter") props.set(f.properties.id, f.properties);
    }
  }
  const affected = S.incident && S.incident.shelters.length ? new Set(S.incident.shelters) : null;
  const maxHead = Math.max(1, ...S.shelters.map((s) => s.headcount));
  for (const s of S.shelters) {
    if (affected && !affected.has(s.id)) continue;
    const p = props.get(s.id);
    const h = p ? p.first_arrival_h : null;
    const share = p && p.first_share !== null && p.first_share !== undefined ? p.first_share : null;
    const m = L.circleMarker([s.location[1], s.location[0]], {
      renderer: canvas,
      radius: 3 + 8 * Math.sqrt(s.headcount / maxHead),
      color: "#222",
      weight: h === null || h === undefined ? 2 : 1,
      dashArray: h === null || h === undefined ? "3 2" : null,
      fillColor: S.geo ? arrivalColor(h) : "#bbb",
      fillOpacity: share === null ? 0.85 : 0.35 + 0.6 * share,
    });
    const when = S.incident ? clock(S.incident.event_unix, h) : "—";
    m.bindTooltip(
      `${s.name} (${s.id})<br>${t("headcount")}: ${s.headcount}<br>${t("legend_title")}: ${when}` +
        (share === null ? "" : "<br>" + t("share_met", pct(share)))
    );
    m.addTo(layers.shelters);
  }
}

function drawRoutes() {
  layers.routes.clearLayers();
  if (!S.geo) return;
  for (const f of S.geo.features) {
    if (f.properties.kind !== "route") continue;
    const ll = f.geometry.coordinates.map((c) => [c[1], c[0]]);
    L.polyline(ll, { renderer: canvas, interactive: false, color: "#2166ac", weight: 2, opacity: 0.5 }).addTo(
      layers.routes
    );
  }
}

function drawClosures() {
  layers.closed.clearLayers();
  if (!S.incident) return;
  const ways = new Set(S.incident.closed_ways || []);
  for (const p of S.incident.disruption.closed_points || []) if (p.way_id) ways.add(p.way_id);
  for (const w of ways) {
    for (const ll of S.wayLines.get(w) || []) {
      L.polyline(ll, { renderer: canvas, interactive: false, color: "#d73027", weight: 5 }).addTo(layers.closed);
    }
  }
  for (const g of S.incident.disruption.closed_areas || []) {
    L.geoJSON(g, { renderer: canvas, interactive: false, style: { color: "#d73027", weight: 2, fillOpacity: 0.15 } }).addTo(
      layers.closed
    );
  }
  for (const a of S.incident.disruption.slow_areas || []) {
    L.geoJSON(a.geometry, {
      renderer: canvas,
      interactive: false,
      style: { color: "#e08214", weight: 2, dashArray: "5 4", fillOpacity: 0.12 },
    }).addTo(layers.closed);
  }
  const lost = new Set(S.incident.disruption.lost_warehouses || []);
  for (const w of S.warehouses.filter((x) => lost.has(x.id))) {
    L.circleMarker([w.location[1], w.location[0]], {
      renderer: canvas,
      interactive: false,
      radius: 14,
      color: "#d73027",
      weight: 3,
      fill: false,
    }).addTo(layers.closed);
  }
  const areas = (S.incident.disruption.closed_areas || []).length;
  document.getElementById("closures-info").textContent =
    t("closures", ways.size, areas) +
    ((S.incident.disruption.slow_areas || []).length ? " · " + t("slow_areas", S.incident.disruption.slow_areas.length) : "") +
    (lost.size ? " · " + t("lost", [...lost].join(", ")) : "");
}

// ---- incident ----------------------------------------------------------------
async function selectIncident(id) {
  S.incident = id ? await api.get("/v1/incidents/" + id) : null;
  S.before = null;
  S.plan = null;
  S.geo = null;
  S.planId = null;
  document.getElementById("incident-select").value = id || "";
  if (!S.incident) {
    renderAll();
    return;
  }
  localStorage.setItem("rf-incident", id);
  const list = await api.get("/v1/incidents/" + id + "/plans");
  S.plans = list.plans;
  // The live (issued) plan is what the trucks do: shown first; else the newest draft.
  const drafts = S.plans.filter((p) => p.status === "draft");
  const shown = list.live_plan || (drafts.length ? drafts[drafts.length - 1].plan_id : null);
  if (shown) await showPlan(shown);
  renderAll();
}

function issuedPlan() {
  const p = S.plans.filter((x) => x.status === "issued");
  return p.length ? p[p.length - 1].plan_id : null;
}

function renderIncident() {
  const info = document.getElementById("incident-info");
  if (!S.incident) {
    info.textContent = "";
    return;
  }
  const ids = S.incident.shelters.length ? S.incident.shelters : S.shelters.map((s) => s.id);
  const people = ids.reduce((a, id) => a + (S.shelterById.get(id) || { headcount: 0 }).headcount, 0);
  info.textContent = t("affected", ids.length, people, localTime(S.incident.event_unix) + " (" + api.tz + ")");
  const body = document.querySelector("#counts tbody");
  body.replaceChildren();
  for (const id of ids) {
    const s = S.shelterById.get(id);
    if (!s) continue;
    const input = el("input", {
      type: "number",
      min: "0",
      step: "1",
      value: s.headcount,
      "aria-label": t("headcount") + " " + s.id,
    });
    input.disabled = S.role === "viewer";
    input.addEventListener("change", () => editHeadcount(s.id, input.value));
    body.append(el("tr", {}, el("td", {}, s.name), el("td", {}, input)));
  }
}

async function editHeadcount(id, value) {
  try {
    await api.patch("/v1/shelters/" + encodeURIComponent(id), { headcount: Number(value), note: "console" });
    await afterEdit();
  } catch (e) {
    showError(e);
  }
}

async function uploadCounts(file) {
  try {
    const text = await file.text();
    await api.post("/v1/shelters/counts", text, "text/csv");
    await afterEdit();
  } catch (e) {
    showError(e);
  }
}

// After a closure or a headcount: the plan follows at once (a re-plan of the
// issued plan, or a new draft).
async function afterEdit() {
  S.before = S.plan ? S.plan.plan.kpis : null;
  const s = await api.get("/v1/shelters");
  S.shelters = s.shelters;
  S.shelterById = new Map(S.shelters.map((x) => [x.id, x]));
  S.incident = await api.get("/v1/incidents/" + S.incident.id);
  drawClosures();
  renderIncident();
  await planNow();
}

async function addDisruption(body) {
  const t0 = performance.now();
  S.before = S.plan ? S.plan.plan.kpis : null;
  try {
    S.incident = await api.post("/v1/incidents/" + S.incident.id + "/disruptions", body);
    drawClosures();
    await planNow();
    S.timing.edit_to_map_ms = performance.now() - t0;
  } catch (e) {
    showError(e);
  }
}

// ---- plan ------------------------------------------------------------------------
async function planNow() {
  if (!S.incident) return;
  const status = document.getElementById("plan-status");
  status.textContent = t("working");
  try {
    // The service makes it a re-plan of the incident's live plan when it has one.
    const answer = await api.post("/v1/incidents/" + S.incident.id + "/plans");
    S.mine.add(answer.plan_id);
    const list = await api.get("/v1/incidents/" + S.incident.id + "/plans");
    S.plans = list.plans;
    await showPlan(answer.plan_id, answer);
    document.getElementById("banner").hidden = true;
  } catch (e) {
    status.textContent = "";
    showError(e);
  }
}

// The incident's plans again; if the plan shown was replaced or released,
// its live plan (or, with none, the newest draft).
async function followLivePlan() {
  const list = await api.get("/v1/incidents/" + S.incident.id + "/plans");
  S.plans = list.plans;
  const shown = S.plans.find((p) => p.plan_id === S.planId);
  if (shown && (shown.status === "issued" || shown.status === "draft")) return updateButtons();
  const drafts = S.plans.filter((p) => p.status === "draft");
  const next = list.live_plan || (drafts.length ? drafts[drafts.length - 1].plan_id : null);
  if (next) await showPlan(next);
  else updateButtons();
}

async function showPlan(id, answer) {
  // A fresh draft's answer carries its document: no need to read it back.
  const fromAnswer = answer && answer.plan && answer.plan_id === id;
  const [p, trips, geo] = await Promise.all([
    fromAnswer
      ? { plan_id: id, incident_id: answer.incident_id, status: answer.status, plan: answer.plan }
      : api.get("/v1/plans/" + id),
    api.get("/v1/plans/" + id + "/trips"),
    api.get("/v1/plans/" + id + "/plan.geojson"),
  ]);
  S.planId = id;
  S.plan = p;
  S.geo = geo;
  S.tripStates = new Map(trips.trips.map((x) => [x.trip, x.state || null]));
  S.planSeconds = answer ? answer.seconds : null;
  S.changes = answer && answer.changes ? answer.changes : null;
  renderPlan();
  drawShelters();
  drawRoutes();
}

function renderKpis() {
  const box = document.getElementById("kpis");
  box.replaceChildren();
  if (!S.plan) return;
  const doc = S.plan.plan;
  const k = doc.kpis;
  const tg = doc.targets;
  const grid = el("div", { class: "kpis" });
  const kpi = (title, share, kg, bound) =>
    el(
      "div",
      { class: "kpi " + (share >= 0.999 ? "met" : "short") },
      title,
      el("br"),
      el("b", {}, pct(share)),
      " · " + (kg / 1000).toFixed(1) + " t",
      el("br"),
      t("kpi_bound", (bound / 1000).toFixed(1))
    );
  grid.append(
    kpi(t("kpi_first", tg.first_delivery_h), k.first_met_share, k.first_kg, k.first_kg_bound),
    kpi(t("kpi_relief", tg.relief_h), k.relief_met_share, k.relief_kg, k.relief_kg_bound)
  );
  box.append(grid);
  const worst = (doc.left_out || [])
    .slice()
    .sort((a, b) => a.first_share - b.first_share || b.persons - a.persons)[0];
  box.append(
    el(
      "p",
      {},
      worst
        ? t("kpi_worst_named", worst.shelter_id, worst.name, worst.persons, pct(worst.first_share), pct(k.shelters_first_below_half))
        : t("kpi_worst", pct(k.first_min_shelter_share), pct(k.shelters_first_below_half))
    )
  );
  renderLeftOut();
  const last = S.incident ? clock(S.incident.event_unix, k.latest_arrival_h) : "";
  box.append(el("p", {}, t("kpi_trips", k.trips, k.trucks_used, k.truck_hours.toFixed(0), last)));
}

// Who is left out, most people first (the library's order): at the top of the
// plan panel, with the reason in words.
function renderLeftOut() {
  const body = document.querySelector("#leftout tbody");
  const title = document.getElementById("leftout-title");
  body.replaceChildren();
  title.textContent = "";
  if (!S.plan) return;
  const doc = S.plan.plan;
  const due = S.incident ? clock(S.incident.event_unix, doc.targets.first_delivery_h) : doc.targets.first_delivery_h + " h";
  const list = doc.left_out || [];
  const count = doc.left_out_count || 0;
  title.textContent = count ? t("leftout_title", due, count, doc.left_out_persons) : t("leftout_none", due);
  for (const l of list) {
    body.append(
      el(
        "tr",
        { class: l.first_share === 0 ? "nothing" : "" },
        el("td", { title: l.shelter_id }, l.name + " (" + l.shelter_id + ")"),
        el("td", { class: "num" }, String(l.persons)),
        el("td", { class: "num" }, String(l.priority_persons)),
        el("td", { class: "num" }, pct(l.first_share)),
        el("td", {}, t("reason_" + l.reason))
      )
    );
  }
}

function tripRows() {
  const doc = S.plan.plan;
  const fw = document.getElementById("f-warehouse").value;
  const fs = document.getElementById("f-shelter").value.trim().toLowerCase();
  const fp = document.getElementById("f-phase").value;
  let rows = doc.trips
    .filter((x) => !fw || x.warehouse_id === fw)
    .filter((x) => !fp || x.phase === fp)
    .filter((x) => !fs || x.stops.some((s) => s.shelter_id.toLowerCase().includes(fs)))
    .map((x) => ({
      trip: x.trip_id,
      truck: truckId(x.warehouse_id, x.truck),
      phase: x.phase,
      depart: x.depart_h,
      stops: x.stops.map((s) => s.shelter_id).join(" → "),
      kg: x.kg,
      state: S.tripStates.get(x.trip_id) || "",
      raw: x,
    }));
  const { key, dir } = S.sort;
  rows.sort((a, b) => (a[key] < b[key] ? -dir : a[key] > b[key] ? dir : a.trip - b.trip));
  return rows;
}

function truckId(w, k) {
  return w + "-T" + String(k).padStart(2, "0");
}

function renderTrips() {
  const body = document.querySelector("#trips tbody");
  body.replaceChildren();
  if (!S.plan) return;
  const issued = S.plan.status === "issued";
  for (const r of tripRows()) {
    const state = el("td", { class: "state-" + r.state }, r.state ? t("st_" + r.state) : "");
    if (issued && S.role !== "viewer") {
      if (r.state === "reserved") {
        state.append(" ", el("button", { type: "button", onclick: () => advance(r.trip, "depart") }, t("depart")));
      } else if (r.state === "departed") {
        state.append(" ", el("button", { type: "button", onclick: () => advance(r.trip, "deliver") }, t("deliver")));
      }
    }
    body.append(
      el(
        "tr",
        { "data-trip": r.trip },
        el("td", { class: "num" }, String(r.trip)),
        el("td", {}, r.truck),
        el("td", {}, t(r.phase)),
        el("td", {}, S.incident ? clock(S.incident.event_unix, r.depart) : r.depart.toFixed(2)),
        el("td", {}, r.stops),
        el("td", { class: "num" }, r.kg.toFixed(0)),
        state
      )
    );
  }
}

async function advance(trip, what) {
  try {
    await api.post("/v1/plans/" + S.planId + "/trips/" + trip + "/" + what);
    S.mine.add(S.planId);
    await showPlan(S.planId);
  } catch (e) {
    showError(e);
  }
}

function renderPlan() {
  const status = document.getElementById("plan-status");
  if (!S.plan) {
    status.textContent = "";
    for (const id of ["kpis", "changes", "findings"]) document.getElementById(id).replaceChildren();
    document.querySelector("#trips tbody").replaceChildren();
    document.querySelector("#shortfalls tbody").replaceChildren();
    document.getElementById("sheets").replaceChildren();
    updateButtons();
    return;
  }
  status.textContent = t(
    "status",
    S.plan.plan_id,
    t("st_" + S.plan.status),
    S.planSeconds ? S.planSeconds.toFixed(2) : "—"
  );
  renderKpis();
  const ch = document.getElementById("changes");
  if (S.changes) {
    const c = S.changes;
    const n = (k) => (c[k] ? c[k].length : 0);
    ch.textContent = t("changes", n("under_way"), n("kept"), n("changed"), n("cancelled"), n("new"));
  } else {
    ch.textContent = "";
  }
  const delta = document.getElementById("delta");
  const k = S.plan.plan.kpis;
  delta.textContent = S.before
    ? t(
        "delta",
        pct(S.before.first_met_share),
        pct(k.first_met_share),
        pct(S.before.relief_met_share),
        pct(k.relief_met_share),
        pct(S.before.first_min_shelter_share),
        pct(k.first_min_shelter_share)
      )
    : "";
  renderTrips();
  const sheets = document.getElementById("sheets");
  sheets.replaceChildren();
  const trucks = [...new Set(S.plan.plan.trips.map((x) => x.warehouse_id + "\u0000" + x.truck))];
  trucks.sort();
  for (const key of trucks) {
    const [w, k] = key.split("\u0000");
    const href = "sheet.html?plan=" + S.planId + "&warehouse=" + encodeURIComponent(w) + "&truck=" + k;
    sheets.append(el("li", {}, el("a", { href, target: "_blank" }, truckId(w, k))));
  }
  const sf = document.querySelector("#shortfalls tbody");
  sf.replaceChildren();
  for (const s of S.plan.plan.shortfalls.slice(0, 300)) {
    sf.append(
      el(
        "tr",
        {},
        el("td", {}, s.shelter_id),
        el("td", {}, s.item),
        el("td", {}, t(s.phase)),
        el("td", { class: "num" }, String(s.quantity)),
        el("td", {}, t("reason_" + s.reason))
      )
    );
  }
  const fl = document.getElementById("findings");
  fl.replaceChildren();
  for (const f of S.plan.plan.findings || []) fl.append(el("li", {}, f.text));
  for (const b of S.plan.plan.bottlenecks || []) fl.append(el("li", {}, b.text || JSON.stringify(b)));
  updateButtons();
}

function updateButtons() {
  const viewer = S.role === "viewer";
  const st = S.plan ? S.plan.status : null;
  document.getElementById("btn-draft").disabled = viewer || !S.incident;
  document.getElementById("btn-replan").disabled = viewer || !issuedPlan();
  document.getElementById("btn-issue").disabled = viewer || st !== "draft";
  document.getElementById("btn-release").disabled = viewer || st !== "issued";
  for (const id of ["tool-road", "tool-area", "way-id"]) document.getElementById(id).disabled = viewer || !S.incident;
}

// After an action on the plan shown: the incident's plans again, and plan `id`.
async function afterAction(id) {
  S.mine.add(id);
  const list = await api.get("/v1/incidents/" + S.incident.id + "/plans");
  S.plans = list.plans;
  await showPlan(id);
}

async function issue() {
  try {
    const r = await api.post("/v1/plans/" + S.planId + "/issue");
    if (r.superseded) S.mine.add(r.superseded); // not "another officer's change"
    await afterAction(r.plan_id);
  } catch (e) {
    showError(e);
  }
}

async function release() {
  try {
    await api.post("/v1/plans/" + S.planId + "/release");
    await afterAction(S.planId);
  } catch (e) {
    showError(e);
  }
}

function renderAll() {
  drawLegend();
  renderIncident();
  drawClosures();
  drawShelters();
  drawRoutes();
  renderPlan();
}

// ---- map tools -------------------------------------------------------------------
function setTool(tool) {
  S.tool = tool;
  S.area = [];
  layers.draw.clearLayers();
  document.getElementById("tool-road").setAttribute("aria-pressed", String(tool === "road"));
  document.getElementById("tool-area").setAttribute("aria-pressed", String(tool === "area"));
  document.getElementById("area-finish").hidden = tool !== "area";
  document.getElementById("tool-cancel").hidden = !tool;
  map.getContainer().style.cursor = tool ? "crosshair" : "";
}

map.on("click", (ev) => {
  if (!S.incident || S.role === "viewer") return;
  const p = [Number(ev.latlng.lng.toFixed(7)), Number(ev.latlng.lat.toFixed(7))];
  if (S.tool === "road") {
    setTool(null);
    addDisruption({ closed_points: [p] });
  } else if (S.tool === "area") {
    S.area.push(p);
    layers.draw.clearLayers();
    L.polygon(
      S.area.map((q) => [q[1], q[0]]),
      { renderer: canvas, color: "#d73027", dashArray: "4 3" }
    ).addTo(layers.draw);
  }
});

function finishArea() {
  if (S.area.length < 3) return;
  const ring = S.area.concat([S.area[0]]);
  setTool(null);
  addDisruption({ closed_areas: [{ type: "Polygon", coordinates: [ring] }] });
}

// ---- events from other officers ------------------------------------------------------
let source = null;
function listen() {
  if (source) source.close();
  source = new EventSource("/v1/events?token=" + encodeURIComponent(api.token()));
  source.addEventListener("change", (ev) => {
    const c = JSON.parse(ev.data);
    if (c.plan_id && S.mine.has(c.plan_id)) return;
    if (c.kind === "plan_drafted") return; // a draft holds nothing
    if (c.kind.startsWith("token_")) return;
    if (!S.incident) return;
    // Another incident's changes to its own roads do not touch this one's plan;
    // its issues, releases and departures take or give back shared stock and trucks.
    if (c.incident_id && c.incident_id !== S.incident.id && c.kind.startsWith("incident_")) return;
    S.lastEvent = c.kind;
    document.getElementById("banner-text").textContent = t("others_changed", t("ev_" + c.kind));
    document.getElementById("banner").hidden = false;
    // Another officer issued, replaced or released a plan of this incident:
    // show its live plan, never a plan that no longer holds anything.
    if (c.incident_id === S.incident.id && c.kind.startsWith("plan_")) followLivePlan();
    api.get("/v1/warehouses").then((w) => {
      S.warehouses = w.warehouses;
      drawWarehouses();
    });
  });
}

// ---- wiring ----------------------------------------------------------------------------
async function start() {
  const t0 = performance.now();
  try {
    await signIn();
  } catch (e) {
    document.getElementById("role").textContent = "";
    if (api.token()) showError(e);
    return;
  }
  await loadBase();
  drawLegend();
  await loadRoads();
  const remembered = Number(localStorage.getItem("rf-incident"));
  const first = S.incidents.find((i) => i.id === remembered) || S.incidents[0];
  await selectIncident(first ? first.id : null);
  listen();
  // The first paint: roads, shelters and the plan drawn.
  requestAnimationFrame(() => {
    S.timing.first_paint_ms = performance.now() - t0;
    document.body.dataset.ready = "1";
  });
}

document.getElementById("lang").value = LANG;
setLang(LANG);
document.getElementById("lang").addEventListener("change", (e) => {
  setLang(e.target.value);
  fillWarehouseFilter();
  if (S.lastEvent) {
    document.getElementById("banner-text").textContent = t("others_changed", t("ev_" + S.lastEvent));
  }
  renderAll();
  if (S.role) signIn();
});
document.getElementById("login").addEventListener("submit", (e) => {
  e.preventDefault();
  sessionStorage.setItem("rf-token", document.getElementById("token").value.trim());
  start();
});
document.getElementById("incident-select").addEventListener("change", (e) => selectIncident(Number(e.target.value) || null));
document.getElementById("new-incident").addEventListener("submit", async (e) => {
  e.preventDefault();
  try {
    const body = { name: document.getElementById("ni-name").value };
    const when = document.getElementById("ni-time").value;
    // The time typed is local to the scenario (its zone, not the browser's):
    // the service reads "YYYY-MM-DD HH:MM" in the scenario's zone.
    if (when) body.event_time = when.replace("T", " ");
    const ids = document
      .getElementById("ni-shelters")
      .value.split(",")
      .map((x) => x.trim())
      .filter((x) => x);
    if (ids.length) body.shelters = ids;
    const inc = await api.post("/v1/incidents", body);
    await loadBase();
    await selectIncident(inc.id);
  } catch (err) {
    showError(err);
  }
});
document.getElementById("tool-road").addEventListener("click", () => setTool(S.tool === "road" ? null : "road"));
document.getElementById("tool-area").addEventListener("click", () => setTool(S.tool === "area" ? null : "area"));
document.getElementById("area-finish").addEventListener("click", finishArea);
document.getElementById("close-way").addEventListener("submit", (e) => {
  e.preventDefault();
  const id = Number(document.getElementById("way-id").value);
  if (S.incident && id > 0) addDisruption({ closed_ways: [id] });
});
document.getElementById("tool-cancel").addEventListener("click", () => setTool(null));
document.getElementById("counts-file").addEventListener("change", (e) => {
  if (e.target.files[0]) uploadCounts(e.target.files[0]);
});
document.getElementById("btn-draft").addEventListener("click", () => planNow());
document.getElementById("btn-replan").addEventListener("click", () => planNow());
document.getElementById("btn-issue").addEventListener("click", issue);
document.getElementById("btn-release").addEventListener("click", release);
document.getElementById("banner-replan").addEventListener("click", () => planNow());
for (const id of ["f-warehouse", "f-shelter", "f-phase"]) {
  document.getElementById(id).addEventListener("input", renderTrips);
}
for (const b of document.querySelectorAll("#trips th button")) {
  b.addEventListener("click", () => {
    const key = b.dataset.sort;
    S.sort = { key, dir: S.sort.key === key ? -S.sort.dir : 1 };
    renderTrips();
  });
}
map.on("zoomend", () => {
  if (S.role) loadRoads();
});
map.setView([39.9, 116.4], 12);
if (api.token()) {
  document.getElementById("token").value = api.token();
  start();
}
