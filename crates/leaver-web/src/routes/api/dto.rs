//! What the API reads and writes. The request side is read leniently from JSON so that every
//! missing or mistyped field is reported at once by its JSON path (`person.email`); the
//! response side mirrors `leaver_core::Case`'s JSON exactly (a test keeps them equal).

use leaver_app::drift::DriftView;
use leaver_core::{Case, FieldError, Step, TicketInput};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

/// The person who leaves.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct PersonBody {
    #[schema(example = "bob@acme.test")]
    pub email: String,
    #[schema(example = "Bob B")]
    pub name: Option<String>,
    /// Their Hugging Face username.
    #[schema(example = "bob")]
    pub hub_username: String,
}

/// The person who leaves, as a case shows them.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct CasePersonBody {
    #[schema(example = "bob@acme.test")]
    pub email: String,
    #[schema(example = "Bob B")]
    pub name: Option<String>,
    /// Their Hugging Face username; `null` while the case waits for it (state
    /// `needs_attention`, `blocked_reason` saying so): set it with a PATCH of
    /// `person.hub_username`.
    #[schema(example = "bob")]
    pub hub_username: Option<String>,
}

/// An HR ticket. Only `external_id`, `person.email`, `person.hub_username` and `manager_email`
/// are required. The same ticket sent again returns the same case.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct TicketBody {
    #[schema(example = "HR-1042")]
    pub external_id: String,
    pub person: PersonBody,
    #[schema(example = "carol@acme.test")]
    pub manager_email: String,
    /// Who becomes admin where the leaver is the last one (a Hub username).
    #[schema(example = "carol")]
    pub successor: Option<String>,
    /// Nothing touches the Hub before this time: RFC 3339 with any offset, a date alone
    /// (`2026-12-15`, the start of that day in `LEAVER_TIMEZONE`) or a time without an offset
    /// (`2026-12-15T09:00`, in `LEAVER_TIMEZONE`). A time in the past is refused unless
    /// `run_now` is true.
    #[schema(example = "2026-12-15T17:00:00+01:00")]
    pub effective_at: Option<String>,
    #[schema(example = "resignation")]
    pub reason: Option<String>,
    /// Run at once: accept an `effective_at` in the past and do not wait for it.
    #[serde(default)]
    pub run_now: bool,
}

/// The JSON path of each ticket field.
pub fn json_path(field: &'static str) -> &'static str {
    match field {
        "email" => "person.email",
        "name" => "person.name",
        "hub_username" => "person.hub_username",
        other => other,
    }
}

/// The ticket fields in `body`, or every field that is not text (or null) where text belongs.
pub fn ticket_input(body: &Value) -> Result<TicketInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut text = |path: &'static str| -> Option<String> {
        let pointer = format!("/{}", path.replace('.', "/"));
        match body.pointer(&pointer) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                errors.push(FieldError {
                    field: path,
                    message: "must be a string".into(),
                });
                None
            }
        }
    };
    if body
        .get("person")
        .is_some_and(|p| !p.is_object() && !p.is_null())
    {
        return Err(vec![FieldError {
            field: "person",
            message: "must be an object".into(),
        }]);
    }
    let input = TicketInput {
        external_id: text("external_id"),
        email: text("person.email"),
        name: text("person.name"),
        hub_username: text("person.hub_username"),
        manager_email: text("manager_email"),
        successor: text("successor"),
        effective_at: text("effective_at"),
        reason: text("reason"),
    };
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(errors)
    }
}

/// One field the API refused.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldErrorBody {
    #[schema(example = "person.email")]
    pub field: String,
    #[schema(example = "is required")]
    pub message: String,
}

/// An error: `fields` names each bad field of a 422.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    #[schema(example = "invalid input")]
    pub error: String,
    pub fields: Option<Vec<FieldErrorBody>>,
}

/// Raw Hub tokens of the person leaving, to revoke.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct TokensBody {
    #[schema(example = json!(["hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345"]))]
    pub tokens: Vec<String>,
}

/// Tokens held for revocation, named by fingerprint.
#[derive(Debug, Serialize, ToSchema)]
pub struct HeldTokensBody {
    pub case_id: String,
    /// Tokens not held before.
    pub added: usize,
    #[schema(example = json!(["hf_…2345 sha256:9f86d081"]))]
    pub fingerprints: Vec<String>,
}

/// Optional body of a cancel.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
pub struct CancelBody {
    #[schema(example = "rehired")]
    pub reason: Option<String>,
}

/// A merge patch of a ticket (RFC 7396): a string sets a field, `null` clears it, a missing
/// field stays. `manager_email` cannot be cleared.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct TicketPatchBody {
    #[schema(format = DateTime, example = "2026-12-08T17:00:00Z")]
    pub effective_at: Option<String>,
    #[schema(example = "nora@acme.test")]
    pub manager_email: Option<String>,
    #[schema(example = "dave")]
    pub successor: Option<String>,
    #[schema(example = "last day moved")]
    pub reason: Option<String>,
    pub person: Option<PersonPatchBody>,
}

/// The person's fields a patch may change.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct PersonPatchBody {
    #[schema(example = "Bob Brown")]
    pub name: Option<String>,
    /// Only on a case waiting for it (see `blocked_reason`); once known it does not change.
    #[schema(example = "bob")]
    pub hub_username: Option<String>,
}

/// Why a step is skipped.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
pub struct SkipBody {
    #[schema(example = "kept until the hand-over ends")]
    pub reason: Option<String>,
}

/// A case re-planned from a fresh read of the Hub.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReplannedBody {
    /// Steps the read added (for a plan made afresh: every step).
    pub added: usize,
    /// Steps whose access the read found gone.
    pub skipped: usize,
    pub case: CaseBody,
}

impl From<&leaver_app::steering::Replanned> for ReplannedBody {
    fn from(r: &leaver_app::steering::Replanned) -> ReplannedBody {
        ReplannedBody {
            added: r.added,
            skipped: r.skipped,
            case: CaseBody::from(&r.case),
        }
    }
}

/// One step of a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepBody {
    #[schema(example = "0b3c9d52-6f1e-4a8b-9a51-2f1f3c7e8d10")]
    pub id: String,
    /// refresh, reassign_last_admin, strip_access, revoke_gated_access, remove_member,
    /// cancel_invitation, flag_tokens or verify.
    #[schema(example = "strip_access")]
    pub kind: String,
    /// `org:NAME`, `model:ORG/NAME`, `dataset:ORG/NAME`, `person:USER` or `case`.
    #[schema(example = "org:acme-ai")]
    pub target: String,
    /// api, scim or manual.
    #[schema(example = "api")]
    pub strategy: String,
    /// planned, awaiting_approval, approved, running, succeeded, rejected, skipped, failed or
    /// waiting_manual.
    #[schema(example = "awaiting_approval")]
    pub state: String,
    pub attempts: u32,
    /// The Hub's last error, if the last attempt failed.
    #[schema(example = "PUT /api/organizations/acme-ai/members/bob/role: 503 Service Unavailable")]
    pub error: Option<String>,
    /// Since when the step has been failing transiently and is being retried (set while the
    /// Hub keeps failing; retried for `LEAVER_RETRY_FOR_SECS` from here, then it needs an
    /// operator). Absent when the step is not retrying.
    #[schema(format = DateTime)]
    pub retrying_since: Option<String>,
    /// The first failure of the step's current run of failures (also kept on a step that
    /// failed for good; cleared when it succeeds, is retried by an operator or is skipped).
    #[schema(format = DateTime)]
    pub failing_since: Option<String>,
    /// When the step is tried again (absent on a step that failed for good).
    #[schema(format = DateTime)]
    pub next_retry_at: Option<String>,
    pub instructions: Option<String>,
    pub note: Option<String>,
    /// On a `rejected` step: the approver who chose to keep this access (rejected it on its own
    /// while approving the rest; `note` says why). The case went on without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept_by: Option<String>,
}

/// A case, as `leaver case show --json` prints it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseBody {
    #[schema(example = "0b3c9d52-6f1e-4a8b-9a51-2f1f3c7e8d10")]
    pub id: String,
    pub external_id: String,
    /// planning, awaiting_approval, scheduled, running, completed, needs_attention or cancelled.
    #[schema(example = "planning")]
    pub state: String,
    pub person: CasePersonBody,
    pub manager_email: String,
    pub successor: Option<String>,
    #[schema(format = DateTime)]
    pub effective_at: Option<String>,
    pub reason: Option<String>,
    pub run_now: bool,
    pub blocked_reason: Option<String>,
    /// Who checked the orgs' Tokens Management for the leaver, and when; `null` until somebody
    /// does (`POST /api/v1/cases/{id}/tokens/acknowledge`).
    pub tokens_ack: Option<TokensAckBody>,
    pub steps: Vec<StepBody>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// Drift linked to this case (on `GET /api/v1/cases/{id}` only; absent when there is
    /// none): access that came back after it completed and the follow-up case taking it away,
    /// or, on a follow-up, the case it follows up.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub drift: Vec<DriftBody>,
}

/// Somebody checked Tokens Management for the leaver.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokensAckBody {
    /// Who: `operator:ops@acme.test`, `api:hr`, `cli`.
    pub by: String,
    #[schema(format = DateTime)]
    pub at: String,
}

/// Access that came back after a case completed, and the follow-up case that takes it away.
#[derive(Debug, Serialize, ToSchema)]
pub struct DriftBody {
    /// The completed case.
    pub original_id: String,
    #[schema(example = "HR-1042")]
    pub original_external_id: String,
    /// The case opened to take the access away again.
    pub follow_up_id: String,
    #[schema(example = "HR-1042-drift-1")]
    pub follow_up_external_id: String,
    /// What came back, in words.
    pub found: Vec<String>,
    #[schema(format = DateTime)]
    pub detected_at: String,
}

impl From<&DriftView> for DriftBody {
    fn from(drift: &DriftView) -> DriftBody {
        DriftBody {
            original_id: drift.original.id.to_string(),
            original_external_id: drift.original.external_id.clone(),
            follow_up_id: drift.follow_up.id.to_string(),
            follow_up_external_id: drift.follow_up.external_id.clone(),
            found: drift.found.clone(),
            detected_at: rfc3339(drift.detected_at),
        }
    }
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

impl From<&Step> for StepBody {
    fn from(step: &Step) -> StepBody {
        StepBody {
            id: step.id.to_string(),
            kind: step.kind.to_string(),
            target: step.target.to_string(),
            strategy: step.strategy.to_string(),
            state: step.state.to_string(),
            attempts: step.attempts,
            error: step.error.clone(),
            retrying_since: step.retrying_since().map(rfc3339),
            failing_since: step.failing_since.map(rfc3339),
            next_retry_at: step.next_retry_at.map(rfc3339),
            instructions: step.instructions.clone(),
            note: step.note.clone(),
            kept_by: step.kept_by.clone(),
        }
    }
}

impl From<&Case> for CaseBody {
    fn from(case: &Case) -> CaseBody {
        CaseBody {
            id: case.id.to_string(),
            external_id: case.external_id.to_string(),
            state: case.state.to_string(),
            person: CasePersonBody {
                email: case.person.email.to_string(),
                name: case.person.name.clone(),
                hub_username: case.person.hub_username.as_ref().map(ToString::to_string),
            },
            manager_email: case.manager_email.to_string(),
            successor: case.successor.as_ref().map(ToString::to_string),
            effective_at: case.effective_at.map(rfc3339),
            reason: case.reason.clone(),
            run_now: case.run_now,
            blocked_reason: case.blocked_reason.clone(),
            tokens_ack: case.tokens_ack.as_ref().map(|ack| TokensAckBody {
                by: ack.by.clone(),
                at: rfc3339(ack.at),
            }),
            steps: case.steps.iter().map(StepBody::from).collect(),
            created_at: rfc3339(case.created_at),
            updated_at: rfc3339(case.updated_at),
            drift: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leaver_core::{CaseId, StepId, StepKind, Strategy, Target, Ticket};
    use serde_json::json;
    use time::macros::datetime;

    #[test]
    fn the_api_case_is_the_core_case_json() {
        let body = json!({"external_id": "HR-1", "person": {"email": "bob@acme.test", "name": "Bob",
            "hub_username": "bob"}, "manager_email": "carol@acme.test", "effective_at": "2026-12-01T17:00:00Z"});
        let ticket = Ticket::parse(&ticket_input(&body).expect("text")).expect("valid");
        let mut case = Case::open(CaseId::random(), &ticket, datetime!(2026-01-01 0:00 UTC));
        let org = Target::Org("acme-ai".into());
        case.steps.push(Step::planned(
            StepId::random(),
            StepKind::StripAccess,
            org,
            Strategy::Api,
        ));
        let mut ours = serde_json::to_value(CaseBody::from(&case)).expect("json");
        // Each step's `retrying_since` is derived for the API (`Step::retrying_since`); the
        // rest is the core's own JSON.
        for step in ours["steps"].as_array_mut().expect("steps") {
            let retrying = step.as_object_mut().expect("step").remove("retrying_since");
            assert_eq!(
                retrying,
                Some(serde_json::Value::Null),
                "a planned step is not retrying"
            );
        }
        assert_eq!(ours, serde_json::to_value(&case).expect("json"));
    }

    #[test]
    fn mistyped_fields_are_named_by_their_json_path() {
        let body = json!({"external_id": 7, "person": {"email": ["x"]}, "manager_email": null});
        let fields: Vec<&str> = ticket_input(&body)
            .expect_err("bad")
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["external_id", "person.email"]);
        assert_eq!(json_path("hub_username"), "person.hub_username");
    }
}
