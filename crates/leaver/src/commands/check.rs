//! `leaver check`: is everything Leaver depends on reachable and allowed?

use leaver_app::Settings;
use leaver_app::preflight::{Finding, Status, preflight};
use std::process::ExitCode;

pub async fn run(settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut ok = true;
    preflight(settings, |Finding { status, text }| {
        let word = match status {
            Status::Ok => "ok",
            Status::Fail => "FAIL",
            Status::Skip => "skip",
        };
        ok &= status != Status::Fail;
        println!("{word:<6}{text}");
    })
    .await;
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
