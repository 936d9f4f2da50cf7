//! Every use case reads the one injected clock: a case opened, cancelled and exported on a
//! manual clock carries the clock's times, not the wall clock's.

use leaver_app::evidence::Scope;
use leaver_app::evidence::render::Format;
use leaver_app::model::{Actor, TicketInput};
use leaver_app::{Leaver, ManualClock, Settings};
use std::sync::Arc;
use time::macros::datetime;

#[tokio::test]
async fn use_cases_take_their_time_from_the_injected_clock() {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = Settings {
        database_url: format!("sqlite://{}", dir.path().join("leaver.db").display()),
        ..Settings::default()
    };
    let start = datetime!(2031-05-04 09:30:00 UTC);
    let clock = ManualClock::new(start);
    let app = Leaver::builder(settings)
        .clock(Arc::new(clock.clone()))
        .database_only()
        .await
        .expect("builds");
    let ticket = TicketInput {
        external_id: Some("HR-1".into()),
        email: Some("bob@acme.test".into()),
        hub_username: Some("bob".into()),
        manager_email: Some("carol@acme.test".into()),
        ..TicketInput::default()
    };

    let opened = app.open_case(&ticket, &Actor::cli()).await.expect("opened");
    clock.advance(time::Duration::hours(2));
    let cancelled = app
        .cancel(opened.case.id, None, &Actor::cli())
        .await
        .expect("cancelled");
    let mut export = app
        .export(Scope::Case(opened.case.id), Format::Json)
        .await
        .expect("export");

    assert_eq!(opened.case.created_at, start);
    assert_eq!(
        app.case(opened.case.id).await.expect("case").created_at,
        start
    );
    assert_eq!(cancelled.updated_at, start + time::Duration::hours(2));
    let opening = export.next_piece().await.expect("piece").expect("opening");
    let opening = String::from_utf8(opening).expect("utf-8");
    assert!(
        opening.contains("\"generated_at\": \"2031-05-04T11:30:00Z\""),
        "{opening}"
    );
}
