//! The token never shows up in what the client prints.

use leaver_hub::HubErrorKind;

use crate::support::{ALICE, standard_seed, start};

#[tokio::test]
async fn the_token_never_appears_in_the_clients_debug_output_or_errors() {
    let sim = start(standard_seed()).await;
    let client = sim.client(ALICE);
    let bad = sim.client("hf_wrong_but_secret");

    let shown = format!("{client:?} {:#?}", client.clone());
    let err = bad.whoami().await.unwrap_err();

    assert!(!shown.contains(ALICE), "{shown}");
    assert!(shown.contains("REDACTED"), "{shown}");
    assert!(
        shown.contains(sim.url.as_str().trim_end_matches('/')),
        "still useful: {shown}"
    );
    assert_eq!(err.kind(), HubErrorKind::Unauthorized);
    for text in [err.to_string(), format!("{err:?}"), format!("{bad:?}")] {
        assert!(!text.contains("hf_wrong_but_secret"), "{text}");
    }
}
