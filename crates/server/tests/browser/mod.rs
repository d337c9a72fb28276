//! Headless Chromium for the widget's end-to-end tests: a chromedriver
//! spawned on a free port, and a WebDriver client just big enough for the
//! tests, speaking JSON over the raw HTTP client of `common` (WebDriver is
//! plain HTTP; chromedriver's `goog/cdp/execute` passes Chrome DevTools
//! Protocol commands through, for input methods).
//!
//! Without chromedriver the tests are skipped with a loud message, unless
//! `SAGASU_REQUIRE_BROWSER` is set (CI sets it): then they fail.

use std::io::Write as _;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine as _;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::common::{TestResult, fail, http_with_body, poll};

/// The WebDriver key codes the tests press.
pub mod keys {
    pub const ENTER: &str = "\u{E007}";
    pub const ESCAPE: &str = "\u{E00C}";
    pub const ARROW_UP: &str = "\u{E013}";
    pub const ARROW_DOWN: &str = "\u{E015}";
    pub const CONTROL: &str = "\u{E009}";
}

/// The key under which WebDriver returns an element reference.
/// A script for [`Browser::wait_for`], with the widget's shadow root as
/// `root`: truthy once the widget lists `total` results.
pub fn showing(total: u64) -> String {
    format!(
        "const s = root.querySelector('.status'); \
         return !root.querySelector('.panel').hidden && s.textContent.includes(' {total} 件') \
         && root.querySelectorAll('[role=option]').length > 0;"
    )
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How long a condition in the page may take to come true.
const WAIT: Duration = Duration::from_secs(20);

/// A chromedriver process and one headless Chromium session.
#[derive(Debug)]
pub struct Browser {
    driver: Child,
    addr: SocketAddr,
    session: String,
    _profile: TempDir,
}

impl Browser {
    /// Starts chromedriver and a session, or returns `None` after a loud
    /// message when there is no chromedriver and `SAGASU_REQUIRE_BROWSER`
    /// is unset.
    pub async fn start(test: &str) -> TestResult<Option<Self>> {
        let Some(chromedriver) = find("CHROMEDRIVER", "chromedriver") else {
            if std::env::var_os("SAGASU_REQUIRE_BROWSER").is_some() {
                return Err(fail(
                    "SAGASU_REQUIRE_BROWSER is set but there is no chromedriver \
                     (apt-get install chromium chromium-driver, or set CHROMEDRIVER)",
                ));
            }
            // Straight to stderr: the test harness captures `eprintln!`.
            let _ = writeln!(
                std::io::stderr(),
                "\n!!! SKIPPED {test}: no chromedriver on PATH. The widget's browser tests need \
                 Debian's chromium and chromium-driver (or CHROMEDRIVER=/path); \
                 set SAGASU_REQUIRE_BROWSER=1 to make this a failure.\n"
            );
            return Ok(None);
        };
        let profile = tempfile::Builder::new()
            .prefix("sagasu-chromium-")
            .tempdir()?;
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let mut command = Command::new(&chromedriver);
        command
            .arg(format!("--port={port}"))
            .arg(format!(
                "--log-path={}",
                profile.path().join("chromedriver.log").display()
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // Its own process group, so that Chromium goes down with it.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let driver = command.spawn()?;
        let mut browser = Self {
            driver,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            session: String::new(),
            _profile: profile,
        };
        poll(WAIT, "chromedriver ready", || async {
            Ok(browser
                .send("GET", "/status", None)
                .await
                .ok()
                .filter(|status| status["ready"] == true))
        })
        .await?;
        let mut options = json!({
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1100,1000", "--lang=ja",
                format!("--user-data-dir={}", browser._profile.path().join("profile").display()),
            ],
        });
        if let Some(chromium) = find("CHROMIUM", "chromium") {
            options["binary"] = json!(chromium);
        }
        let session = browser
            .send(
                "POST",
                "/session",
                Some(json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": options}}})),
            )
            .await?;
        browser.session = session["sessionId"]
            .as_str()
            .ok_or_else(|| fail(format!("no session id in {session}")))?
            .to_owned();
        Ok(Some(browser))
    }

    /// One WebDriver command; returns its `value`.
    async fn send(&self, method: &str, path: &str, body: Option<Value>) -> TestResult<Value> {
        let body = body.map(|body| body.to_string()).unwrap_or_default();
        let headers: &[(&str, &str)] = if body.is_empty() {
            &[]
        } else {
            &[("Content-Type", "application/json")]
        };
        let response = http_with_body(self.addr, method, path, headers, body.as_bytes()).await?;
        let reply = response.json()?;
        if response.status != 200 {
            return Err(fail(format!("WebDriver {method} {path}: {response}")));
        }
        Ok(reply["value"].clone())
    }

    /// A command of this session.
    async fn session(&self, method: &str, path: &str, body: Option<Value>) -> TestResult<Value> {
        self.send(method, &format!("/session/{}{path}", self.session), body)
            .await
    }

    /// Opens `url` and waits for it to load.
    pub async fn goto(&self, url: &str) -> TestResult {
        self.session("POST", "/url", Some(json!({"url": url})))
            .await
            .map(drop)
    }

    /// The page's URL.
    pub async fn url(&self) -> TestResult<String> {
        let url = self.session("GET", "/url", None).await?;
        url.as_str()
            .map(str::to_owned)
            .ok_or_else(|| fail(format!("URL {url}")))
    }

    /// Runs `body` as a function in the page, with `args`; returns its
    /// result (an element comes back as a reference for [`Browser::type_into`]).
    pub async fn js(&self, body: &str, args: &[Value]) -> TestResult<Value> {
        self.session(
            "POST",
            "/execute/sync",
            Some(json!({"script": body, "args": args})),
        )
        .await
    }

    /// Polls `expression` (a function body returning a value) until it
    /// returns something truthy, and returns that.
    pub async fn wait_for(&self, what: &str, body: &str) -> TestResult<Value> {
        poll(WAIT, what, || async {
            let value = self.js(body, &[]).await?;
            let truthy = !(value.is_null()
                || value == false
                || value == 0
                || value == ""
                || value.as_array().is_some_and(Vec::is_empty));
            Ok(truthy.then_some(value))
        })
        .await
    }

    /// Types `text` into `element` (from [`Browser::js`]) key by key.
    pub async fn type_into(&self, element: &Value, text: &str) -> TestResult {
        let id = element_id(element)?;
        self.session(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({"text": text})),
        )
        .await
        .map(drop)
    }

    /// Clicks `element` (from [`Browser::js`]) as a mouse would.
    pub async fn click(&self, element: &Value) -> TestResult {
        let id = element_id(element)?;
        self.session("POST", &format!("/element/{id}/click"), Some(json!({})))
            .await
            .map(drop)
    }

    /// Presses `keys` in turn on the focused element; `modifier` (a key
    /// of [`keys`]) is held down throughout.
    pub async fn press(&self, modifier: Option<&str>, keys: &[&str]) -> TestResult {
        let mut actions = Vec::new();
        actions.extend(modifier.map(|key| json!({"type": "keyDown", "value": key})));
        for key in keys {
            actions.push(json!({"type": "keyDown", "value": key}));
            actions.push(json!({"type": "keyUp", "value": key}));
        }
        actions.extend(modifier.map(|key| json!({"type": "keyUp", "value": key})));
        self.session(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        )
        .await?;
        self.session("DELETE", "/actions", None).await.map(drop)
    }

    /// A Chrome DevTools Protocol command, through chromedriver.
    pub async fn cdp(&self, command: &str, params: Value) -> TestResult<Value> {
        self.session(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": command, "params": params})),
        )
        .await
    }

    /// A PNG of the viewport.
    pub async fn screenshot(&self) -> TestResult<Vec<u8>> {
        let encoded = self.session("GET", "/screenshot", None).await?;
        let encoded = encoded
            .as_str()
            .ok_or_else(|| fail("screenshot is not a string"))?;
        Ok(base64::engine::general_purpose::STANDARD.decode(encoded)?)
    }

    /// Ends the session (Chromium exits) and chromedriver.
    pub async fn quit(self) -> TestResult {
        self.session("DELETE", "", None).await.map(drop)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The whole process group: chromedriver and any Chromium left.
        let _ = Command::new("kill")
            .arg("-KILL")
            .arg("--")
            .arg(format!("-{}", self.driver.id()))
            .status();
        let _ = self.driver.wait();
    }
}

fn element_id(element: &Value) -> TestResult<&str> {
    element[ELEMENT]
        .as_str()
        .ok_or_else(|| fail(format!("not an element: {element}")))
}

/// The program `$var` names, or `name` on `PATH`.
fn find(var: &str, name: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(var) {
        return Some(PathBuf::from(path));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|path| is_executable(path))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    path.metadata()
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}
