//! What the bench asks of the server and of the CLI: the export read as it arrives, the CLI's
//! export with its peak memory, the import preview.

use super::server::{Server, csrf_in};
use hubsim::bench::peak_memory_mb_of;
use reqwest::header::{CONTENT_TYPE, COOKIE, ORIGIN};
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

/// What the client read of an export.
pub struct Download {
    pub status: u16,
    pub bytes: usize,
    pub cases: usize,
}

/// Reads the period export of everything as it arrives, counting bytes and cases.
pub async fn export(
    http: &reqwest::Client,
    server: &Server,
    session: &str,
) -> anyhow::Result<Download> {
    const CASE: &[u8] = b"\"verify_snapshot\"";
    let mut response = http
        .get(format!(
            "{}/audit/export?from=1970-01-01&format=json",
            server.url
        ))
        .header(COOKIE, session)
        .send()
        .await?;
    let status = response.status().as_u16();
    let (mut bytes, mut cases, mut tail) = (0, 0, Vec::new());
    while let Some(chunk) = response.chunk().await? {
        bytes += chunk.len();
        tail.extend_from_slice(&chunk);
        cases += tail.windows(CASE.len()).filter(|w| *w == CASE).count();
        tail.drain(..tail.len().saturating_sub(CASE.len() - 1));
    }
    Ok(Download {
        status,
        bytes,
        cases,
    })
}

/// Runs `leaver audit export --format json` and polls its peak memory until it ends: (peak MB,
/// bytes written).
pub fn cli_export(database: &str) -> anyhow::Result<(u64, usize)> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leaver"))
        .args(["audit", "export", "--format", "json"])
        .env("LEAVER_DATABASE_URL", database)
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
    let reader = std::thread::spawn(move || {
        let mut buffer = vec![0; 1 << 16];
        let mut total = 0;
        while let Ok(n @ 1..) = stdout.read(&mut buffer) {
            total += n;
        }
        total
    });
    let mut peak = 0;
    while child.try_wait()?.is_none() {
        peak = peak.max(peak_memory_mb_of(child.id()));
        std::thread::sleep(Duration::from_millis(10));
    }
    let bytes = reader
        .join()
        .map_err(|_| anyhow::anyhow!("reader panicked"))?;
    Ok((peak, bytes))
}

/// Posts `file` to the import preview: (status, answer's length).
pub async fn preview(
    http: &reqwest::Client,
    url: &str,
    session: &str,
    file: &str,
) -> anyhow::Result<(u16, usize)> {
    let page = http
        .get(format!("{url}/import"))
        .header(COOKIE, session)
        .send()
        .await?;
    let csrf = csrf_in(&page.text().await?)?;
    let boundary = "leaver-bench-boundary-5c2e";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cases.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    );
    let answer = http
        .post(format!("{url}/import/preview"))
        .header(
            CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(COOKIE, session)
        .header(ORIGIN, url)
        .body(body)
        .send()
        .await;
    // The server may stop reading an upload over its limit and close: then only the status
    // is lost, and the peak is still worth reading.
    match answer {
        Ok(answer) => {
            let status = answer.status().as_u16();
            Ok((status, answer.bytes().await.map_or(0, |b| b.len())))
        }
        Err(error) => {
            println!("  (the upload was cut short: {error})");
            Ok((0, 0))
        }
    }
}
