//! `leaver case show HR-2001`: every `case` command that names a case takes its id or its HR
//! ticket's id; the ticket id is resolved here, once, before the command runs
//! (`Leaver::find_case_id`).

use super::explain;
use crate::cli::CaseCommand;
use leaver_app::Settings;
use leaver_app::model::CaseId;

/// `command` with the case it names as a case id. A case id is left as it is, and nothing is
/// opened for it.
pub async fn resolve(settings: &Settings, command: &mut CaseCommand) -> anyhow::Result<()> {
    let id = match command {
        CaseCommand::Show { id, .. }
        | CaseCommand::Replan { id }
        | CaseCommand::Skip { id, .. }
        | CaseCommand::Reask { id }
        | CaseCommand::ConfirmEmpty { id }
        | CaseCommand::Tokens { id, .. }
        | CaseCommand::TokensAck { id }
        | CaseCommand::Cancel { id, .. } => id,
        CaseCommand::Update(args) => &mut args.id,
        _ => return Ok(()),
    };
    if id.trim().parse::<CaseId>().is_ok() {
        return Ok(());
    }
    let app = super::app(settings.clone()).await?;
    *id = app.find_case_id(id).await.map_err(explain)?.to_string();
    Ok(())
}
