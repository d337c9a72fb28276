//! Programs the tests run beside the binary (proxies, load generators):
//! found on `PATH`, started with their stderr collected, and stopped with
//! SIGTERM (then SIGKILL) when dropped.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::{TestResult, fail};

/// How long a process may take to listen.
pub const STARTUP: Duration = Duration::from_secs(60);

/// Where `name` is on `PATH`.
pub fn find(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}

/// Whether every program of `tools` is on `PATH`. A missing one fails the
/// test when `SAGASU_REQUIRE_PROXIES` is set (as in `.ci/run`); otherwise
/// the test named `test` is skipped with a loud message (`Ok(false)`).
pub fn programs_present(test: &str, tools: &[&str]) -> TestResult<bool> {
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|tool| find(tool).is_none())
        .collect();
    if missing.is_empty() {
        return Ok(true);
    }
    let missing = missing.join(", ");
    if std::env::var_os("SAGASU_REQUIRE_PROXIES").is_some() {
        return Err(fail(format!(
            "SAGASU_REQUIRE_PROXIES is set but {missing} not on PATH (apt-get install {})",
            tools.join(" ")
        )));
    }
    let _ = writeln!(
        std::io::stderr(),
        "\n!!! SKIPPED the {test}: no {missing} on PATH. It needs Debian's {}; set \
         SAGASU_REQUIRE_PROXIES=1 to make this a failure.\n",
        tools.join(", ")
    );
    Ok(false)
}

/// A free port on loopback (free when asked; the test binds it soon after).
pub fn free_port() -> TestResult<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// A child process, its stderr collected, stopped with SIGTERM (then
/// SIGKILL) when dropped, so that nginx's workers leave with their master.
pub struct Process {
    name: &'static str,
    pub child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Process {
    pub fn start(name: &'static str, command: &mut Command) -> TestResult<Self> {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|err| fail(format!("cannot start {name}: {err}")))?;
        let pipe = child.stderr.take().ok_or_else(|| fail("no stderr pipe"))?;
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                if let Ok(mut text) = sink.lock() {
                    text.push_str(&line);
                    text.push('\n');
                }
            }
        });
        Ok(Self {
            name,
            child,
            stderr,
        })
    }

    pub fn stderr(&self) -> String {
        self.stderr
            .lock()
            .map(|text| text.clone())
            .unwrap_or_default()
    }

    /// Waits until `port` on loopback accepts connections.
    pub fn wait_listening(&mut self, port: u16) -> TestResult {
        let deadline = Instant::now() + STARTUP;
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        loop {
            if TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok() {
                return Ok(());
            }
            if let Some(status) = self.child.try_wait()? {
                return Err(fail(format!(
                    "{} exited with {status}:\n{}",
                    self.name,
                    self.stderr()
                )));
            }
            if Instant::now() > deadline {
                return Err(fail(format!(
                    "{} not listening on {addr} within {STARTUP:?}:\n{}",
                    self.name,
                    self.stderr()
                )));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                thread::sleep(Duration::from_millis(50));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
