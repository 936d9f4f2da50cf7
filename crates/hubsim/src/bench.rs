//! What the benchmarks measure hubsim with, in one place: hubsim in a child process
//! ([`HubProcess`], so a bench's peak memory is Leaver's alone), the calls hubsim counted
//! ([`calls`], `GET /_sim/calls` over plain HTTP, no client library), and a process's peak
//! resident memory ([`peak_memory_mb`]).
//!
//! A bench that starts hubsim as a child process calls [`serve_if_child`] first thing in its
//! `main`: the child is the same executable, told by [`CHILD_VAR`] to serve the seed it reads
//! on its standard input and print its URL.

use std::io::{BufRead, Read, Write};
use std::process::{Child, Command, Stdio};

use crate::Seed;

/// Set in the child's environment: "serve the seed on stdin".
pub const CHILD_VAR: &str = "HUBSIM_BENCH_CHILD";

/// hubsim serving `seed` in a child process; killed when dropped.
pub struct HubProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl HubProcess {
    /// Starts this executable again as hubsim on `seed` (its `main` must call
    /// [`serve_if_child`] first) and waits for the URL it prints.
    pub fn start(seed: &serde_json::Value) -> std::io::Result<HubProcess> {
        let mut child = Command::new(std::env::current_exe()?)
            .env(CHILD_VAR, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        // Dropping stdin after the write ends the child's read of the seed.
        let written = child
            .stdin
            .take()
            .map(|mut stdin| stdin.write_all(seed.to_string().as_bytes()));
        let mut process = HubProcess {
            child,
            url: String::new(),
        };
        written.unwrap_or_else(|| Err(missing("stdin")))?;
        let stdout = process
            .child
            .stdout
            .take()
            .ok_or_else(|| missing("stdout"))?;
        std::io::BufReader::new(stdout).read_line(&mut process.url)?;
        process.url = process.url.trim().to_owned();
        if process.url.is_empty() {
            return Err(missing("the child's URL"));
        }
        Ok(process)
    }

    /// `GET /_sim/calls` of this hubsim.
    pub fn calls(&self) -> std::io::Result<serde_json::Value> {
        calls(&self.url)
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// In the child (when [`CHILD_VAR`] is set): serves the seed read from stdin, printing its URL
/// first, and never returns. Otherwise returns at once.
pub fn serve_if_child() {
    if std::env::var_os(CHILD_VAR).is_none() {
        return;
    }
    if let Err(error) = serve_child() {
        eprintln!("hubsim (bench child): {error}");
        std::process::exit(1);
    }
    std::process::exit(0);
}

fn serve_child() -> Result<(), Box<dyn std::error::Error>> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let seed = Seed::from_json(&text).map_err(|(at, error)| format!("seed at {at}: {error}"))?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            println!("http://{}", listener.local_addr()?);
            crate::serve(listener, seed).await
        })?;
    Ok(())
}

/// `GET {url}/_sim/calls` (`url` as `http://HOST:PORT`): the counts since start or the last
/// reset, as hubsim serves them (`total`, `by_route`, ...). Blocks for the one request.
pub fn calls(url: &str) -> std::io::Result<serde_json::Value> {
    let addr = url
        .strip_prefix("http://")
        .unwrap_or(url)
        .trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(addr)?;
    write!(
        stream,
        "GET /_sim/calls HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (head, body) = response
        .split_once("\r\n\r\n")
        .ok_or_else(|| missing("the end of the answer's headers"))?;
    if !head.starts_with("HTTP/1.1 200") {
        let status = head.lines().next().unwrap_or_default();
        return Err(std::io::Error::other(format!(
            "/_sim/calls answered {status}"
        )));
    }
    serde_json::from_str(body).map_err(std::io::Error::other)
}

/// This process's peak resident memory (`VmHWM`), in MB; 0 where `/proc` does not say.
pub fn peak_memory_mb() -> u64 {
    peak_memory_in("/proc/self/status")
}

/// Process `pid`'s peak resident memory (`VmHWM`), in MB; 0 where `/proc` does not say.
pub fn peak_memory_mb_of(pid: u32) -> u64 {
    peak_memory_in(&format!("/proc/{pid}/status"))
}

fn peak_memory_in(status_file: &str) -> u64 {
    let status = std::fs::read_to_string(status_file).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

fn missing(what: &str) -> std::io::Error {
    std::io::Error::other(format!("no {what} from the hubsim child"))
}
