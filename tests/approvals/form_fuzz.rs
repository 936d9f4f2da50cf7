//! A property test over the approval form's parsing (`POST /approvals/{token}`: the form body,
//! `decision`, `reason`, `csrf`, the `Origin` header), which only the handler reaches: a few
//! hundred generated posts against the real server with a real open link. None of them is a
//! valid decision (a junk or missing `decision`, a rejection without a reason, a reason with
//! control characters, a wrong or missing form key, another origin, duplicate fields, raw bytes),
//! so each must be refused with a 4xx (a 422 naming `decision` or `reason`), never a 5xx or a
//! redirect, and afterwards nothing is decided.

use crate::support::http::computed_form_key;
use crate::support::{MANAGER, Options, TestApp, apps};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::header::{CONTENT_TYPE, ORIGIN};

/// What the `decision` field holds; never a decision that could be recorded.
#[derive(Clone, Debug)]
enum Decide {
    Missing,
    Junk(String),
    /// `approve` with a reason that breaks the rules (a control or bidi character).
    ApproveBadReason(String),
    /// `reject` with no reason, or a blank one.
    RejectWithoutReason(String),
    /// `reject` with a reason that breaks the rules.
    RejectBadReason(String),
}

#[derive(Clone, Debug)]
enum Key {
    Right,
    Wrong(String),
    Missing,
}

#[derive(Clone, Debug)]
enum Post {
    Form {
        decide: Decide,
        key: Key,
        /// `None`: no `Origin`; `Some(true)`: ours; `Some(false)`: another site.
        ours: Option<bool>,
        extra: Vec<(String, String)>,
        twice: bool,
    },
    Raw(Vec<u8>),
}

fn bad_reason() -> impl Strategy<Value = String> {
    // Inside the text: a reason is trimmed before it is checked.
    (
        "[a-z][a-z ]{0,9}",
        "[\u{0}-\u{8}\u{b}\u{1b}\u{7f}\u{202e}\u{2066}]",
        "[a-z ]{0,9}[a-z]",
    )
        .prop_map(|(a, bad, b)| format!("{a}{bad}{b}"))
}

fn decide() -> impl Strategy<Value = Decide> {
    prop_oneof![
        Just(Decide::Missing),
        any::<String>()
            .prop_filter("not a decision", |s| s != "approve" && s != "reject")
            .prop_map(Decide::Junk),
        prop::sample::select(vec![
            "Approve", "APPROVE", " approve", "approve ", "yes", "1"
        ])
        .prop_map(|s| Decide::Junk(s.into())),
        bad_reason().prop_map(Decide::ApproveBadReason),
        "[ \t]{0,3}".prop_map(Decide::RejectWithoutReason),
        bad_reason().prop_map(Decide::RejectBadReason),
    ]
}

fn post() -> impl Strategy<Value = Post> {
    let key = prop_oneof![
        3 => Just(Key::Right),
        1 => "[0-9a-f]{0,40}".prop_map(Key::Wrong),
        1 => Just(Key::Missing),
    ];
    let ours = prop_oneof![3 => Just(Some(true)), 1 => Just(None), 1 => Just(Some(false))];
    let extra = prop::collection::vec(("[a-z_]{1,8}", any::<String>()), 0..3);
    prop_oneof![
        4 => (decide(), key, ours, extra, prop::bool::weighted(0.1)).prop_map(
            |(decide, key, ours, extra, twice)| Post::Form { decide, key, ours, extra, twice }
        ),
        1 => prop::collection::vec(any::<u8>(), 0..200).prop_map(Post::Raw),
    ]
}

fn body(post: &Post, token: &str) -> Vec<u8> {
    let Post::Form {
        decide,
        key,
        extra,
        twice,
        ..
    } = post
    else {
        let Post::Raw(bytes) = post else {
            unreachable!()
        };
        return bytes.clone();
    };
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut push = |k: &str, v: &str| fields.push((k.into(), v.into()));
    match decide {
        Decide::Missing => {}
        Decide::Junk(s) => push("decision", s),
        Decide::ApproveBadReason(r) => {
            push("decision", "approve");
            push("reason", r);
        }
        Decide::RejectWithoutReason(r) => {
            push("decision", "reject");
            push("reason", r);
        }
        Decide::RejectBadReason(r) => {
            push("decision", "reject");
            push("reason", r);
        }
    }
    match key {
        Key::Right => push("csrf", &computed_form_key(token)),
        Key::Wrong(k) => push("csrf", k),
        Key::Missing => {}
    }
    if *twice {
        // A decision field given twice (never a lone valid one).
        if matches!(decide, Decide::Missing) {
            push("decision", "approve");
        }
        push("decision", "approve");
    }
    fields.extend(
        extra
            .iter()
            .filter(|(k, _)| !["decision", "reason", "csrf"].contains(&k.as_str()))
            .cloned(),
    );
    serde_urlencoded::to_string(&fields)
        .expect("form")
        .into_bytes()
}

async fn send(app: &TestApp, url: &str, token: &str, post: &Post) -> (u16, String) {
    let mut request = app
        .http
        .post(url)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body(post, token));
    let ours = match post {
        Post::Form { ours, .. } => *ours,
        Post::Raw(_) => Some(true),
    };
    match ours {
        Some(true) => request = request.header(ORIGIN, &app.url),
        Some(false) => request = request.header(ORIGIN, "https://evil.example"),
        None => {}
    }
    let response = request.send().await.expect("POST");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

#[test]
fn no_malformed_approval_form_decides_anything_or_fails_the_server() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (_dir, apps) = runtime.block_on(apps(Options::default()));
    for app in &apps {
        let case = runtime.block_on(app.open_and_ask("HR-1", "bob"));
        let link = app.link_for(MANAGER, "bob");
        let token = link
            .url
            .rsplit('/')
            .next()
            .expect("a token in the link")
            .to_owned();
        // 300 posts per database, each one HTTP round trip and at most one page rendered.
        let mut runner = TestRunner::new(Config {
            failure_persistence: None,
            ..Config::with_cases(300)
        });
        let outcome = runner.run(&post(), |post| {
            let (status, body) = runtime.block_on(send(app, &link.url, &token, &post));
            prop_assert!(
                [400, 403, 415, 422].contains(&status),
                "{:?}: {status} for {post:?}: {body}",
                app.backend
            );
            if status == 422 {
                let named = ["decision", "reason", "approve or reject", "why you reject"];
                prop_assert!(
                    named.iter().any(|n| body.contains(n)),
                    "a 422 names no field: {body}"
                );
            }
            Ok(())
        });
        if let Err(failure) = outcome {
            panic!("{failure}");
        }
        runtime.block_on(app.assert_nothing_decided(case));
    }
}
