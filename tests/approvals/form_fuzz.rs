//! A property test over the approval form's parsing (`POST /approvals/{token}`: the form body,
//! `decision`, `reason`, `csrf`, the `Origin` header), which only the handler reaches: a few
//! hundred generated posts against the real server with a real open link. None of them is a
//! valid decision (a junk or missing `decision`, a rejection without a reason, a reason with
//! control characters, a wrong or missing form key, another origin, duplicate fields, raw bytes;
//! or `approve` with broken `step.<id>` choices: one left out, a bad value, an unknown or
//! malformed step, one given twice, one rejected without a reason), so each must be refused with
//! a 4xx (a 422 naming `decision`, `reason` or the `step.` field), never a 5xx or a redirect, and
//! afterwards nothing is decided.

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
    /// `approve`, no reason, and the page's step choices broken so.
    ApproveBadSteps(StepFault),
}

/// How the step choices (every step on `approve` otherwise) are broken; `usize` picks a step.
#[derive(Clone, Debug)]
enum StepFault {
    LeftOut(usize),
    BadValue(usize, String),
    /// A `step.` field naming no step of the request.
    Unknown(String),
    Twice(usize),
    /// One step on `reject`, with no reason.
    RejectedWithoutReason(usize),
}

fn step_fault() -> impl Strategy<Value = StepFault> {
    let i = 0..16usize;
    prop_oneof![
        i.clone().prop_map(StepFault::LeftOut),
        (
            i.clone(),
            any::<String>().prop_filter("not a choice", |v| v != "approve" && v != "reject")
        )
            .prop_map(|(i, v)| StepFault::BadValue(i, v)),
        prop_oneof![
            "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
            any::<String>(),
        ]
        .prop_map(StepFault::Unknown),
        i.clone().prop_map(StepFault::Twice),
        i.prop_map(StepFault::RejectedWithoutReason),
    ]
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
        step_fault().prop_map(Decide::ApproveBadSteps),
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

/// The step choices (`steps`: the page's `step.` fields) broken by `fault`.
fn broken_steps(steps: &[String], fault: &StepFault) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = steps
        .iter()
        .map(|f| (f.clone(), "approve".to_owned()))
        .collect();
    let at = |i: &usize| i % steps.len();
    match fault {
        StepFault::LeftOut(i) => {
            fields.remove(at(i));
        }
        StepFault::BadValue(i, v) => fields[at(i)].1 = v.clone(),
        StepFault::Unknown(name) => {
            if !steps.iter().any(|s| *s == format!("step.{name}")) {
                fields.push((format!("step.{name}"), "approve".into()));
            } else {
                fields.pop();
            }
        }
        StepFault::Twice(i) => fields.push(fields[at(i)].clone()),
        StepFault::RejectedWithoutReason(i) => fields[at(i)].1 = "reject".into(),
    }
    fields
}

fn body(post: &Post, token: &str, steps: &[String]) -> Vec<u8> {
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
    let push =
        |fields: &mut Vec<(String, String)>, k: &str, v: &str| fields.push((k.into(), v.into()));
    match decide {
        Decide::Missing => {}
        Decide::Junk(s) => push(&mut fields, "decision", s),
        Decide::ApproveBadReason(r) => {
            push(&mut fields, "decision", "approve");
            push(&mut fields, "reason", r);
        }
        Decide::RejectWithoutReason(r) => {
            push(&mut fields, "decision", "reject");
            push(&mut fields, "reason", r);
        }
        Decide::RejectBadReason(r) => {
            push(&mut fields, "decision", "reject");
            push(&mut fields, "reason", r);
        }
        Decide::ApproveBadSteps(fault) => {
            push(&mut fields, "decision", "approve");
            fields.extend(broken_steps(steps, fault));
        }
    }
    match key {
        Key::Right => push(&mut fields, "csrf", &computed_form_key(token)),
        Key::Wrong(k) => push(&mut fields, "csrf", k),
        Key::Missing => {}
    }
    if *twice {
        // A decision field given twice (never a lone valid one).
        if matches!(decide, Decide::Missing) {
            push(&mut fields, "decision", "approve");
        }
        push(&mut fields, "decision", "approve");
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

async fn send(
    app: &TestApp,
    (url, token): (&str, &str),
    steps: &[String],
    post: &Post,
) -> (u16, String) {
    let mut request = app
        .http
        .post(url)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body(post, token, steps));
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
        let page = runtime.block_on(app.get(&link.url));
        let steps = crate::support::http::step_fields(&page.body);
        assert!(steps.len() >= 3, "the page offers step choices: {steps:?}");
        // 300 posts per database, each one HTTP round trip and at most one page rendered.
        let mut runner = TestRunner::new(Config {
            failure_persistence: None,
            ..Config::with_cases(300)
        });
        let outcome = runner.run(&post(), |post| {
            let (status, body) = runtime.block_on(send(app, (&link.url, &token), &steps, &post));
            prop_assert!(
                [400, 403, 415, 422].contains(&status),
                "{:?}: {status} for {post:?}: {body}",
                app.backend
            );
            if status == 422 {
                let named = [
                    "decision",
                    "reason",
                    "approve or reject",
                    "why you reject",
                    "step.",
                ];
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
