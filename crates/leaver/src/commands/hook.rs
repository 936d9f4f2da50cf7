//! `leaver hook create --name N | list | revoke N`: the sources allowed to send signed HR
//! webhooks (`POST /api/v1/hooks/{source}`), each change audited as done by `cli`. The secret
//! is printed once, as the last line of `create`; it is stored sealed and never shown again.

use super::explain;
use clap::Subcommand;
use leaver_app::Settings;
use leaver_app::accounts::check_api_key_name;
use leaver_app::model::Actor;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Create a hook source; prints its signing secret as the last line, once.
    Create {
        /// The sending system (`bamboohr`): its URL is /api/v1/hooks/<name> and the audit trail
        /// names it `hook:<name>`.
        #[arg(long)]
        name: String,
    },
    /// List hook sources: name, when created, when revoked (never the secret).
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a hook source: its deliveries are refused from now on. Recorded in the audit trail.
    Revoke {
        /// The source's name, as given to `hook create`.
        name: String,
    },
}

/// One source as `list` prints it.
#[derive(Serialize)]
struct Row {
    name: String,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    revoked_at: Option<OffsetDateTime>,
}

pub async fn run(settings: Settings, command: HookCommand) -> anyhow::Result<()> {
    match command {
        HookCommand::Create { name } => {
            let name = check_api_key_name(&name).map_err(explain)?.to_owned();
            let app = super::app(settings).await?;
            let secret = app
                .create_hook_source(&name, &Actor::cli())
                .await
                .map_err(explain)?;
            eprintln!(
                "Hook source {name:?} created: it posts to /api/v1/hooks/{name}. Its signing secret is shown once, below: store it in the HR system now."
            );
            eprintln!(
                "Sign each delivery with `Leaver-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">`."
            );
            println!("{secret}");
            Ok(())
        }
        HookCommand::List { json } => {
            let app = super::app(settings).await?;
            let rows: Vec<Row> = app
                .hook_sources()
                .await
                .map_err(explain)?
                .into_iter()
                .map(|s| Row {
                    name: s.name,
                    created_at: s.created_at,
                    revoked_at: s.revoked_at,
                })
                .collect();
            if json {
                return crate::output::json(&rows);
            }
            if rows.is_empty() {
                eprintln!("no hook source yet");
                return Ok(());
            }
            println!("{:<40}  {:<25}  REVOKED", "HOOK SOURCE", "CREATED");
            for row in rows {
                let revoked = match row.revoked_at {
                    Some(t) => t.format(&Rfc3339)?,
                    None => "-".into(),
                };
                let created = row.created_at.format(&Rfc3339)?;
                println!("{:<40}  {created:<25}  {revoked}", row.name);
            }
            Ok(())
        }
        HookCommand::Revoke { name } => {
            let app = super::app(settings).await?;
            app.revoke_hook_source(&name, &Actor::cli())
                .await
                .map_err(explain)?;
            println!(
                "hook source {:?} revoked: its deliveries are refused from now on",
                name.trim()
            );
            Ok(())
        }
    }
}
