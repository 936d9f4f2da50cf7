//! The official `huggingface_hub` Python client, pointed at hubsim, works for the endpoints it
//! covers. Needs `python3` with `huggingface_hub` (CI installs it); elsewhere the test says it
//! skipped, unless `HUBSIM_REQUIRE_PYTHON_CLIENT=1` demands it.

use serde_json::json;
use std::process::Command;

fn client_available() -> bool {
    Command::new("python3")
        .args(["-c", "import huggingface_hub"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[tokio::test]
async fn the_official_python_client_reads_and_changes_hubsim() {
    if !client_available() {
        assert!(
            std::env::var("HUBSIM_REQUIRE_PYTHON_CLIENT").is_err(),
            "python3 with huggingface_hub is required (pip install huggingface_hub)"
        );
        eprintln!("skipped: python3 with huggingface_hub is not installed");
        return;
    }
    let seed = json!({
        "users": [{"username": "alice"}, {"username": "bob"}, {"username": "carol"}],
        "tokens": [{"user": "alice", "value": "hf_alice_admin"}],
        "orgs": [{"name": "acme-ai", "plan": "team", "scim": "none",
                  "members": [{"user": "alice", "role": "admin"}, {"user": "bob", "role": "write"},
                              {"user": "carol", "role": "read"}]}],
        "repos": [{"id": "acme-ai/llama-ft", "type": "model", "private": false, "gated": "manual",
                   "access_requests": [{"user": "bob", "status": "accepted"}]},
                  {"id": "acme-ai/open", "type": "model", "private": false, "gated": false}]
    });
    let sim = hubsim::spawn(serde_json::from_value(seed).expect("seed"))
        .await
        .expect("hubsim");
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/python/official_client.py"
    );
    let output = tokio::process::Command::new("python3")
        .arg(script)
        .env("HF_ENDPOINT", &sim.url)
        .env("HF_TOKEN", "hf_alice_admin")
        .env("HF_HUB_DISABLE_TELEMETRY", "1")
        .output()
        .await
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the official client failed:\n{stdout}\n{stderr}"
    );
    for check in [
        "whoami ok",
        "organization members ok",
        "reject access request ok",
        "grant access ok",
    ] {
        assert!(stdout.contains(check), "{check} missing:\n{stdout}");
    }
}
