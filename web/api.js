// The service's API as the console uses it: the token from this tab's session,
// JSON in and out, errors as exceptions carrying the server's message.
"use strict";
const api = {
  token() {
    return sessionStorage.getItem("rf-token") || "";
  },
  async call(method, path, body, type) {
    const headers = { Authorization: "Bearer " + api.token() };
    let payload;
    if (body !== undefined) {
      headers["Content-Type"] = type || "application/json";
      payload = type ? body : JSON.stringify(body);
    }
    const r = await fetch(path, { method, headers, body: payload });
    const text = await r.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (_) {
      data = text;
    }
    if (!r.ok) {
      const msg = data && data.message ? data.message : r.status + " " + r.statusText;
      const err = new Error(msg);
      err.status = r.status;
      throw err;
    }
    return data;
  },
  get(path) {
    return api.call("GET", path);
  },
  post(path, body, type) {
    return api.call("POST", path, body, type);
  },
  patch(path, body) {
    return api.call("PATCH", path, body);
  },
};
// The scenario's time zone (the service's /v1/health says it; a plan's
// `clock.timezone` too): every time is shown there, whatever the browser's zone.
api.tz = "Asia/Shanghai";
// Seconds since 1970 → {date: "YYYY-MM-DD", hm: "HH:MM"} in the scenario's zone.
function localParts(unix) {
  const f = new Intl.DateTimeFormat("en-CA", {
    timeZone: api.tz,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const p = Object.fromEntries(f.formatToParts(new Date(unix * 1000)).map((x) => [x.type, x.value]));
  return { date: p.year + "-" + p.month + "-" + p.day, hm: p.hour + ":" + p.minute };
}
// Seconds since 1970 → "YYYY-MM-DD HH:MM" in the scenario's zone.
function localTime(unix) {
  const p = localParts(unix);
  return p.date + " " + p.hm;
}
// Hours after the event → clock time "HH:MM" in the scenario's zone, with
// "+1d" when it falls on a later calendar day there than the event.
function clock(eventUnix, hours) {
  if (hours === null || hours === undefined || !isFinite(hours)) return "—";
  const a = localParts(eventUnix);
  const b = localParts(eventUnix + hours * 3600);
  const day = Math.round((Date.parse(b.date) - Date.parse(a.date)) / 86400000);
  return day > 0 ? b.hm + " +" + day + "d" : b.hm;
}
function pct(x) {
  return (100 * x).toFixed(1) + " %";
}
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
}
