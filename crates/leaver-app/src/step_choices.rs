//! An approver's choices step by step, from the approval form: one `step.<step id>` field per
//! step of their request, `approve` or `reject`. How they combine with the form's `decision`
//! (see README, "Approve"):
//! - no `step.*` field at all: `decision` decides the whole request (the plain form, and what
//!   every email link has always posted);
//! - with `step.*` fields, every step of the request must have exactly one, naming a step of
//!   the request, with `approve` or `reject`; anything else is refused, naming the field, and
//!   nothing is decided. Then `decision=approve` approves the steps marked `approve` and keeps
//!   those marked `reject` (the case goes on without them); every step marked `reject` is a
//!   rejection of the request. `decision=reject` ("Reject all") rejects the whole request,
//!   whatever the steps say (they must still be well-formed).
//! - a reason is required as soon as anything is rejected; it is stored with each rejected step.

use crate::{Error, Leaver, Result};
use leaver_core::StepId;
use leaver_core::approval::{Ballot, Decision};
use leaver_store::approvals::{ApprovalStore, Decided, DecisionOrigin, LinkView, hash_token};

/// The form field of one step's choice.
pub fn field_name(step: StepId) -> String {
    format!("step.{step}")
}

/// The `step.*` fields of a form, as posted (name without the `step.` prefix, value).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepChoices(pub Vec<(String, String)>);

impl StepChoices {
    /// Picks the `step.*` fields out of a form's fields.
    pub fn from_fields<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> StepChoices {
        StepChoices(
            fields
                .into_iter()
                .filter_map(|(k, v)| Some((k.strip_prefix("step.")?.to_owned(), v.to_owned())))
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The steps marked `reject`, once every choice is checked against `steps`, the steps of
    /// the request: each named once, each a step of it, each `approve` or `reject`.
    pub fn rejected(&self, steps: &[StepId]) -> Result<Vec<StepId>> {
        let bad = |message: String| Error::invalid("step", message);
        let mut chosen: Vec<(StepId, bool)> = Vec::new();
        for (raw, value) in &self.0 {
            let step = raw
                .parse::<StepId>()
                .ok()
                .filter(|s| steps.contains(s))
                .ok_or_else(|| bad(format!("step.{raw}: not a step of this request")))?;
            let reject = match value.as_str() {
                "approve" => false,
                "reject" => true,
                _ => return Err(bad(format!("step.{raw}: choose approve or reject"))),
            };
            if chosen.iter().any(|(s, _)| *s == step) {
                return Err(bad(format!("step.{raw}: given more than once")));
            }
            chosen.push((step, reject));
        }
        if let Some(missing) = steps.iter().find(|s| !chosen.iter().any(|(c, _)| c == *s)) {
            return Err(bad(format!(
                "{}: missing: choose approve or reject for every step",
                field_name(*missing)
            )));
        }
        Ok(chosen
            .into_iter()
            .filter_map(|(s, reject)| reject.then_some(s))
            .collect())
    }
}

/// The reason's rule: required as soon as anything is rejected.
pub const REASON_NEEDED: &str =
    "say why you reject: the reason goes to the operator and into the evidence";

impl Leaver {
    /// Records the decision of the approver holding `token`, step by step (see the module's
    /// rules). A form with no step choices decides the whole request, as [`Leaver::decide`].
    pub async fn decide_steps(
        &self,
        token: &str,
        decision: Decision,
        choices: &StepChoices,
        reason: Option<String>,
        origin: &DecisionOrigin,
    ) -> Result<Decided> {
        if choices.is_empty() {
            return self.decide(token, decision, reason, origin).await;
        }
        let hash = hash_token(token);
        let Some(link) = self.store.link(&hash).await? else {
            return Ok(Decided::Unknown);
        };
        let kept = choices.rejected(&asked(&link))?;
        let rejects = decision == Decision::Reject || !kept.is_empty();
        if rejects && reason.is_none() {
            return Err(Error::invalid("reason", REASON_NEEDED));
        }
        let ballot = Ballot {
            decision,
            kept,
            reason,
        };
        Ok(self
            .store
            .decide_steps(&hash, ballot, origin, self.now())
            .await?)
    }
}

/// The steps a link's request asks its approver about.
pub fn asked(link: &LinkView) -> Vec<StepId> {
    link.steps.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_needs_one_well_formed_choice() {
        let (a, b) = (StepId::random(), StepId::random());
        let steps = [a, b];
        let form = |pairs: &[(&str, &str)]| {
            let owned: Vec<(String, String)> = pairs
                .iter()
                .map(|(k, v)| (format!("step.{k}"), (*v).to_owned()))
                .collect();
            StepChoices::from_fields(owned.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        };
        let (sa, sb) = (a.to_string(), b.to_string());
        let ok = form(&[(&sa, "approve"), (&sb, "reject")]).rejected(&steps);
        assert_eq!(ok.expect("valid"), vec![b]);
        let refused: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (vec![(&sa, "approve")], "missing"),
            (
                vec![(&sa, "approve"), (&sb, "yes")],
                "choose approve or reject",
            ),
            (
                vec![(&sa, "approve"), (&sb, "approve"), ("nope", "approve")],
                "not a step",
            ),
            (
                vec![(&sa, "approve"), (&sb, "approve"), (&sb, "reject")],
                "more than once",
            ),
        ];
        for (pairs, why) in refused {
            let error = form(&pairs).rejected(&steps).expect_err(why).to_string();
            assert!(error.contains(why) && error.contains("step."), "{error}");
        }
    }
}
