//! The SCIM apps in `leaver check`: for each `[[apps]]` entry, whether the app answers,
//! whether it accepts the token, and whether its ServiceProviderConfig offers PATCH (without
//! it, Leaver deactivates with a PUT of the whole resource).

use leaver_engine::AppConnector;
use leaver_scim_client::Probe;

/// One app as the probe found it, in words: `app 15five: reachable, token valid, PATCH
/// supported`; `Ok` only if reachable with a valid token.
pub async fn app_status(app: &AppConnector) -> (bool, String) {
    let probe = app.client.probe().await;
    let ok = probe.reachable && probe.token_valid;
    (ok, format!("app {}: {}", app.name, words(&probe)))
}

/// The probe in words, for `leaver check` and the settings page.
pub fn words(probe: &Probe) -> String {
    let reachable = if probe.reachable {
        "reachable"
    } else {
        "not reachable"
    };
    let token = if probe.token_valid {
        "token valid"
    } else {
        "token refused"
    };
    let patch = match probe.patch {
        Some(true) => "PATCH supported",
        Some(false) => "PATCH not supported (deactivates with PUT)",
        None => "PATCH support unknown",
    };
    let mut text = format!("{reachable}, {token}, {patch}");
    if let Some(problem) = probe.problem.as_deref().filter(|_| !probe.token_valid) {
        text.push_str(&format!(" ({problem})"));
    }
    text
}
