//! Headless Chromium driven through WebDriver (Debian's `chromedriver`, on
//! 127.0.0.1), for the console's browser tests. Chromium and the driver are
//! installed by `scripts/ensure-chromium` when missing.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};

/// A browser session; the session is closed and the driver stopped when dropped.
pub struct Browser {
    driver: Child,
    url: String,
    session: String,
}

fn installed() -> bool {
    Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists()
}

impl Browser {
    /// A headless Chromium of `width` × `height` pixels. Installs Chromium and
    /// the driver when missing; outside CI, `None` when that is not possible.
    pub fn start(width: u32, height: u32) -> Option<Browser> {
        // The script returns at once when everything is there (and adds the
        // Chinese font the screenshots need where it is missing).
        let ok = Command::new(super::repo("scripts/ensure-chromium"))
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        {
            if !ok || !installed() {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "CI must be able to install chromium and chromium-driver (scripts/ensure-chromium)"
                );
                eprintln!("chromium-driver not available: skipping the browser test");
                return None;
            }
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new("/usr/bin/chromedriver")
            .args([format!("--port={port}"), "--allowed-ips=127.0.0.1".into()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let url = format!("http://127.0.0.1:{port}");
        let t0 = Instant::now();
        while ureq::get(&format!("{url}/status")).call().is_err() {
            assert!(
                t0.elapsed() < Duration::from_secs(30),
                "chromedriver did not answer"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut b = Browser {
            driver,
            url,
            session: String::new(),
        };
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--no-first-run",
                    "--disable-sync", "--disable-quic", "--lang=en-US",
                    format!("--window-size={width},{height}")]
            }
        }}});
        let v = b.cmd("POST", "/session", Some(caps));
        b.session = v["sessionId"].as_str().expect("a session id").to_string();
        Some(b)
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.url);
        let req = ureq::request(method, &url).timeout(Duration::from_secs(120));
        let res = match body {
            Some(b) => req.send_json(b),
            None => req.call(),
        };
        match res {
            Ok(r) => r.into_json::<Value>().unwrap()["value"].take(),
            Err(ureq::Error::Status(code, r)) => {
                panic!(
                    "WebDriver {method} {path}: {code} {}",
                    r.into_string().unwrap_or_default()
                )
            }
            Err(e) => panic!("WebDriver {method} {path}: {e}"),
        }
    }

    fn session_cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.cmd(method, &format!("/session/{}{path}", self.session), body)
    }

    /// Opens `url` and waits for the page's load event.
    pub fn goto(&self, url: &str) {
        self.session_cmd("POST", "/url", Some(json!({"url": url})));
    }

    /// Runs `script` (a function body; `arguments[0…]` are `args`) and returns
    /// its value.
    pub fn js(&self, script: &str, args: Value) -> Value {
        self.session_cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Polls `script` until it returns something truthy (not null, false, 0 or
    /// ""), at most `secs` seconds; returns that value.
    pub fn wait(&self, script: &str, secs: u64) -> Value {
        let t0 = Instant::now();
        loop {
            let v = self.js(script, json!([]));
            let truthy = match &v {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::Number(n) => n.as_f64() != Some(0.0),
                Value::String(s) => !s.is_empty(),
                _ => true,
            };
            if truthy {
                return v;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(secs),
                "waited {secs} s for: {script}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Clicks the element `css` (as a user would: WebDriver moves the pointer).
    pub fn click(&self, css: &str) {
        let id = self.element(css);
        self.session_cmd("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// Types `text` into the element `css` (WebDriver key codes allowed:
    /// `\u{E007}` is Enter).
    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.session_cmd(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({"text": text})),
        );
    }

    /// Clicks at `(x, y)` pixels from the top-left corner of the element `css`.
    pub fn click_at(&self, css: &str, x: f64, y: f64) {
        let id = self.element(css);
        let rect = self.session_cmd("GET", &format!("/element/{id}/rect"), None);
        let (w, h) = (
            rect["width"].as_f64().unwrap(),
            rect["height"].as_f64().unwrap(),
        );
        // Pointer origins at an element are its centre.
        let (dx, dy) = ((x - w / 2.0).round() as i64, (y - h / 2.0).round() as i64);
        let mut origin = serde_json::Map::new();
        origin.insert("element-6066-11e4-a52e-4f735466cecf".into(), json!(id));
        self.session_cmd(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "pointer", "id": "mouse",
            "parameters": {"pointerType": "mouse"},
            "actions": [
                {"type": "pointerMove", "duration": 0, "origin": origin, "x": dx, "y": dy},
                {"type": "pointerDown", "button": 0},
                {"type": "pointerUp", "button": 0}
            ]}]})),
        );
        self.session_cmd("DELETE", "/actions", None);
    }

    fn element(&self, css: &str) -> String {
        let v = self.session_cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    }

    /// Saves a PNG screenshot of the window to `path`; returns its size, bytes.
    pub fn screenshot(&self, path: &Path) -> usize {
        let v = self.session_cmd("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap())
            .unwrap();
        assert_eq!(&png[1..4], b"PNG");
        std::fs::write(path, &png).unwrap();
        png.len()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = ureq::delete(&format!("{}/session/{}", self.url, self.session)).call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
