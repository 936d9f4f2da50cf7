//! `leaver check`: is everything Leaver depends on reachable and allowed?

use crate::config::Settings;
use crate::runtime;
use leaver_engine::read_org;
use leaver_store::Store;
use std::process::ExitCode;

pub async fn run(settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut ok = true;
    match super::store(settings).await {
        Ok(store) => match store.ping().await {
            Ok(()) => println!("ok    database ({:?})", store.dialect()),
            Err(e) => fail(&mut ok, &format!("database: {e}")),
        },
        Err(e) => fail(&mut ok, &format!("database: {e:#}")),
    }
    match runtime::hub(settings) {
        Err(e) => fail(&mut ok, &format!("hub: {e:#}")),
        Ok(hub) => match hub.whoami().await {
            Err(e) => fail(&mut ok, &format!("hub token: {e}")),
            Ok(me) => {
                println!("ok    hub token belongs to {}", me.name);
                for org in &settings.orgs {
                    match read_org(&hub, org, &me).await {
                        Ok(facts) => {
                            let role = facts.token.role_in_org.as_deref().unwrap_or("not a member");
                            let rights = if facts.token.is_admin() {
                                "can manage members"
                            } else {
                                "CANNOT manage members (steps will be manual)"
                            };
                            println!(
                                "ok    {org}: plan {:?}, SCIM {:?}, token role {role}: {rights}",
                                facts.plan, facts.scim
                            );
                        }
                        Err(e) => fail(&mut ok, &format!("{org}: {e}")),
                    }
                }
            }
        },
    }
    match &settings.smtp_url {
        None => println!(
            "skip  SMTP (LEAVER_SMTP_URL is not set: emails are written to ./leaver-mailbox instead)"
        ),
        Some(url) => {
            let checked = match leaver_mail::Mailer::from_url(
                secrecy::ExposeSecret::expose_secret(url),
                &settings.mail_from,
            ) {
                Ok(mailer) => mailer.check().await,
                Err(e) => Err(e),
            };
            match checked {
                Ok(()) => println!("ok    SMTP answers"),
                Err(e) => fail(&mut ok, &format!("SMTP: {e}")),
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn fail(ok: &mut bool, message: &str) {
    *ok = false;
    println!("FAIL  {message}");
}
