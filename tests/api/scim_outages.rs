//! SCIM deprovisionings lose nothing when the parts around Leaver fail, over real HTTP with
//! hubsim and an SMTP sink on loopback, on SQLite and Postgres:
//! - the Hub answers 429 and 503 while Leaver looks the person's Hub username up by email: the
//!   IdP's request still succeeds, the case opens waiting for the name with each org's failure
//!   in its audit trail (the lookup is not retried in the IdP's request, which would hold it
//!   for minutes), and once an operator names the account it completes;
//! - the SMTP relay is down when the case asks its approver: the case waits in
//!   `awaiting_approval`, the email waits in the outbox, and it arrives once, when the relay is
//!   back, with a link that still approves.

use crate::scim::{
    MANAGER, completes, members, nameless_user, scim, scim_apps_with, waits_for_its_hub_username,
};
use crate::support::approve_emailed_links;
use leaver_core::CaseState;
use leaver_store::Store;
use leaver_store::mail::outbox::MailOutbox;
use leaver_testkit::Options;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

/// Installs hubsim faults (`POST /_sim/faults`).
async fn faults(app: &crate::support::TestApp, faults: Value) {
    let reply = app
        .http
        .post(format!("{}/_sim/faults", app.hub_url))
        .json(&faults)
        .send()
        .await
        .expect("faults");
    assert!(reply.status().is_success(), "{}", reply.status());
}

#[tokio::test]
async fn a_hub_failing_the_username_lookup_loses_no_deactivation_the_case_waits_for_the_name() {
    let (_dir, apps) = scim_apps_with(Options::default()).await;
    for (app, key) in apps {
        // dave's Hub username (dave-hf) is known only to acme-plus's managed-SSO SCIM users.
        let path = nameless_user(&app, &key, "dave@acme.test").await;
        let lookup = |org: &str, status: u16| {
            json!({"route": format!("GET /api/organizations/{org}/scim/v2/Users"),
                "status": status, "count": 5})
        };
        faults(
            &app,
            json!({"fail_next": [lookup("acme-ai", 429), lookup("acme-plus", 503)]}),
        )
        .await;
        let off = json!({"Operations": [{"op": "replace", "value": {"active": false}}]});
        let reply = scim(&app, Some(&key), "PATCH", &path, Some(&off)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        faults(&app, json!({})).await;

        let id = waits_for_its_hub_username(&app, &path).await;
        let records = app.store.audit_events(Some(id)).await.expect("audit");
        let unknown = records
            .iter()
            .find(|r| r.kind == "scim_hub_username_unknown")
            .expect("audited");
        let asked = unknown.data["asked"].to_string();
        assert!(
            asked.contains("429") && asked.contains("503"),
            "each org's failure is kept: {asked}"
        );

        let set = app
            .api(
                "PATCH",
                &format!("/api/v1/cases/{id}"),
                Some(r#"{"person": {"hub_username": "dave-hf"}}"#),
            )
            .await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.body);
        completes(&app, id).await;
        assert!(
            !members(&app, "acme-plus")
                .await
                .contains(&"dave-hf".to_owned())
        );
    }
}

#[tokio::test]
async fn an_smtp_outage_holds_the_approval_email_of_a_scim_case_until_the_relay_is_back() {
    let (_dir, apps) = scim_apps_with(Options::default().manual_clock()).await;
    for (app, key) in apps {
        let sink = app.sink.as_ref().expect("an SMTP sink");
        sink.set_down(true);
        let bob = json!({"userName": "bob@acme.test", "active": true,
            "emails": [{"value": "bob@acme.test", "primary": true}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": MANAGER}},
            "urn:ietf:params:scim:schemas:extension:leaver:2.0:User": {"hubUsername": "bob"}});
        let created = scim(&app, Some(&key), "POST", "/scim/v2/Users", Some(&bob)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let mut off = created.json();
        off["active"] = json!(false);
        let path = format!("/scim/v2/Users/{}", off["id"].as_str().expect("id"));
        let reply = scim(&app, Some(&key), "PUT", &path, Some(&off)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

        app.run_pending_jobs().await;
        app.run_pending_jobs().await;
        let case = crate::scim::case_of(&app, path.rsplit('/').next().expect("id")).await;
        assert_eq!(case.state, CaseState::AwaitingApproval, "{:#?}", case.steps);
        assert_eq!(app.store.unsent_emails().await.expect("depth"), 1);
        assert!(sink.messages().is_empty(), "nothing got through");

        sink.set_down(false);
        app.advance(Duration::from_secs(3600));
        app.run_pending_jobs().await;
        assert_eq!(app.store.unsent_emails().await.expect("depth"), 0);
        let to_manager = sink
            .messages()
            .iter()
            .filter(|m| m.rcpt_to.iter().any(|r| r == MANAGER))
            .count();
        assert_eq!(to_manager, 1, "the approval email arrives once");
        approve_emailed_links(&app, MANAGER).await;
        let approved = app.store.case(case.id).await.expect("case");
        assert_ne!(
            approved.state,
            CaseState::AwaitingApproval,
            "the link approves"
        );
        completes_after_approval(&app, case.id).await;
    }
}

/// Runs the approved case to its end on the manual clock: completed, bob gone from acme-ai.
async fn completes_after_approval(app: &crate::support::TestApp, id: leaver_core::CaseId) {
    for _ in 0..20 {
        app.run_pending_jobs().await;
        let case = app.store.case(id).await.expect("case");
        if case.state.is_closed() || case.state == CaseState::NeedsAttention {
            assert_eq!(case.state, CaseState::Completed, "{:#?}", case.steps);
            assert!(!members(app, "acme-ai").await.contains(&"bob".to_owned()));
            return;
        }
        app.advance(Duration::from_secs(60));
    }
    panic!("the case never finished");
}
