//! `leaver case tokens <ID> --stdin` (raw Hub tokens of the leaver, one per line on standard
//! input, held for the case's tokens step; only fingerprints are printed) and `leaver case
//! tokens-ack <ID>` (Tokens Management checked).

use super::explain;
use anyhow::Context;
use leaver_app::Leaver;
use leaver_app::model::{Actor, CaseId};
use leaver_app::settings::Settings;
use std::io::Read;

fn parse_id(id: &str) -> anyhow::Result<CaseId> {
    id.parse()
        .with_context(|| format!("{id:?} is not a case id (a UUID like 0b3c...)"))
}

/// Reads the tokens from standard input and holds them for case `id`; `stray` arguments after
/// the id (tokens typed on the command line, say) refuse it all, without repeating them.
pub async fn hand_over(settings: Settings, id: &str, stray: usize) -> anyhow::Result<()> {
    anyhow::ensure!(
        stray == 0,
        "{stray} argument(s) after the case id, not repeated here: tokens are never taken on the \
         command line (other users of this machine can see it); pipe them on standard input, one \
         per line, with --stdin. Nothing was held. If a token was typed here, revoke it."
    );
    let id = parse_id(id)?;
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("reading the tokens from standard input")?;
    let tokens: Vec<String> = input
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    // Sealing needs the secret key the server uses: the full build, without its workers.
    let app = Leaver::builder(settings).build().await?;
    let held = app
        .hold_tokens(id, &tokens, &Actor::cli())
        .await
        .map_err(explain)?;
    println!(
        "case {id}: {} token(s) handed over, {} new; the tokens step revokes those the Hub says are the leaver's:",
        held.fingerprints.len(),
        held.added
    );
    for fingerprint in &held.fingerprints {
        println!("  {fingerprint}");
    }
    Ok(())
}

/// Records that Tokens Management was checked for case `id`.
pub async fn acknowledge(settings: Settings, id: &str) -> anyhow::Result<()> {
    let id = parse_id(id)?;
    let case = super::app(settings)
        .await?
        .acknowledge_tokens(id, &Actor::cli())
        .await
        .map_err(explain)?;
    if let Some(ack) = &case.tokens_ack {
        println!(
            "case {}: Tokens Management checked by {} at {}; it is {}",
            case.id, ack.by, ack.at, case.state
        );
    }
    Ok(())
}
