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
// Hours after the event → local clock time "HH:MM" (with "+1d" past midnight).
function clock(eventUnix, hours) {
  if (hours === null || hours === undefined || !isFinite(hours)) return "—";
  const d = new Date((eventUnix + hours * 3600) * 1000);
  const day = Math.floor((eventUnix + hours * 3600) / 86400) - Math.floor(eventUnix / 86400);
  const hm = d.toTimeString().slice(0, 5);
  return day > 0 ? hm + " +" + day + "d" : hm;
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
