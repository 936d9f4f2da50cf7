//! Opening approval requests, inside the transaction that finishes the job asking for them
//! ([`crate::BatchWrite::AskApprovers`]): the requests, a link per approver, each link's email
//! in the outbox (what to send: the mail worker renders it), and the audit record. A request
//! with nobody to ask is the operators' to resolve: they are told.

use crate::StoreError;
use crate::approvals::NewRequest;
use crate::approvals::rows::{insert_link, insert_request};
use crate::audit::Entry;
use crate::mail::operator_notices;
use crate::mail::outbox::LinkEmail;
use leaver_core::CaseId;
use leaver_core::approval::{Request, nobody_to_ask};
use serde_json::json;
use sqlx::{Any, Transaction};
use time::OffsetDateTime;
use uuid::Uuid;

/// Opens `requests` on `case`; returns the audit entries to append.
pub(crate) async fn ask(
    tx: &mut Transaction<'static, Any>,
    case: CaseId,
    requests: &[NewRequest],
    now: OffsetDateTime,
) -> Result<Vec<Entry>, StoreError> {
    let mut entries = Vec::with_capacity(1);
    let mut asked = Vec::with_capacity(requests.len());
    for new in requests {
        let mut request =
            Request::open(Uuid::now_v7(), case, &new.rule, new.mode, new.steps.clone());
        insert_request(tx, &request, now).await?;
        for (approver, minted) in &new.links {
            let link = request
                .ask((minted.id, approver.as_str()), false, now, new.expires_at)
                .clone();
            insert_link(
                tx,
                (&request, &link),
                &minted.token_hash,
                LinkEmail::Request,
            )
            .await?;
        }
        let approvers: Vec<&str> = new.links.iter().map(|(a, _)| a.as_str()).collect();
        asked.push(json!({ "rule": new.rule, "mode": new.mode, "steps": new.steps, "approvers": approvers }));
        if new.links.is_empty() {
            tracing::warn!(case_id = %case, rule = new.rule, "an approval request has nobody to ask");
            let reason = nobody_to_ask(&new.rule);
            operator_notices::queue(tx, &[(case, reason.clone())], now).await?;
            entries.push(Entry {
                case: Some(case),
                kind: "operator_notified".into(),
                data: json!({ "reason": reason, "rule": new.rule }),
            });
        }
    }
    entries.insert(
        0,
        Entry {
            case: Some(case),
            kind: "approval_requested".into(),
            data: json!({ "requests": asked }),
        },
    );
    Ok(entries)
}
