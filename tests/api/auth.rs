//! Operator login, sessions and CSRF: pages need a session; forms need the session's token and
//! our own origin; a refused form changes nothing.

use crate::support::{OPERATOR, apps, cookie};
use leaver_store::Store;
use reqwest::StatusCode;

const PAGES: [&str; 7] = [
    "/",
    "/cases",
    "/cases/new",
    "/import",
    "/audit",
    "/settings",
    "/audit/export",
];

#[tokio::test]
async fn pages_redirect_to_login_without_a_session() {
    let (_dir, apps) = apps().await;
    let app = &apps[0];
    for page in PAGES {
        let reply = app.get(page, None).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{page}");
        let location = reply.location.unwrap_or_default();
        assert!(location.starts_with("/login"), "{page} -> {location}");
    }
    let deep = app.get("/cases?state=running", None).await;
    assert_eq!(
        deep.location.as_deref(),
        Some("/login?next=%2Fcases%3Fstate%3Drunning")
    );
    let forged = crate::support::Session {
        cookie: "leaver_session=forged".into(),
        csrf: String::new(),
    };
    assert_eq!(
        app.get("/cases", Some(&forged)).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get("/healthz", None).await.status,
        StatusCode::OK,
        "health needs no login"
    );
}

#[tokio::test]
async fn a_wrong_password_or_unknown_operator_does_not_log_in() {
    let (_dir, apps) = apps().await;
    for app in apps {
        for (email, password) in [
            (OPERATOR, "wrong password here"),
            ("nobody@acme.test", "whatever it is"),
        ] {
            let reply = app.try_login(email, password).await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
            assert!(reply.body.contains("Wrong email or password"));
            assert!(cookie(&reply.set_cookies, "leaver_session").is_none());
        }
        assert_eq!(app.count("operator_session").await, 0);
    }
}

#[tokio::test]
async fn repeated_failed_logins_from_one_address_are_slowed_down() {
    let (_dir, apps) = apps().await;
    let app = &apps[0];
    for _ in 0..20 {
        let reply = app.try_login(OPERATOR, "wrong password here").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let right = app.try_login(OPERATOR, crate::support::PASSWORD).await;
    assert_eq!(
        right.status,
        StatusCode::TOO_MANY_REQUESTS,
        "then the address waits a minute"
    );
    assert!(right.body.contains("Too many login attempts"));
}

#[tokio::test]
async fn a_login_opens_every_page_until_logout() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let done = app.try_login(OPERATOR, crate::support::PASSWORD).await;
        let set = done
            .set_cookies
            .iter()
            .find(|c| c.starts_with("leaver_session="))
            .expect("cookie");
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"),
            "{set}"
        );
        assert!(
            !set.contains("Secure"),
            "plain http in tests: no Secure flag"
        );
        let id = set
            .trim_start_matches("leaver_session=")
            .split(';')
            .next()
            .unwrap_or_default();
        assert!(
            id.len() >= 32,
            "the session id carries at least 128 random bits"
        );
        let stored: String = sqlx::query_scalar("SELECT session_hash FROM operator_session")
            .fetch_one(app.store.pool())
            .await
            .expect("one session");
        assert_ne!(stored, id, "only a hash of the session id is stored");

        let session = app.login().await;
        for page in PAGES {
            let reply = app.get(page, Some(&session)).await;
            assert_eq!(reply.status, StatusCode::OK, "{page}: {}", reply.body);
        }
        let out = app.submit(&session, "/logout", &[]).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert_eq!(
            app.get("/cases", Some(&session)).await.status,
            StatusCode::SEE_OTHER,
            "logged out"
        );
    }
}

#[tokio::test]
async fn forms_without_the_token_or_from_another_site_are_refused_and_change_nothing() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let session = app.login().await;
        let id = app.open_case("HR-9", "bob").await;
        let cancel = format!("/cases/{id}/cancel");
        let audit_before = app.count("audit_event").await;
        let attempts: [(Option<&str>, Option<&str>); 4] = [
            (None, Some(app.url.as_str())),
            (Some("0000wrong"), Some(app.url.as_str())),
            (Some(session.csrf.as_str()), Some("https://evil.test")),
            (Some(session.csrf.as_str()), Some("null")),
        ];
        for (token, origin) in attempts {
            let mut fields = vec![("reason", "forged")];
            if let Some(token) = token {
                fields.push(("csrf", token));
            }
            let reply = app
                .post_form(&cancel, Some(&session.cookie), origin, &fields)
                .await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "token {token:?} from {origin:?}"
            );
        }
        let new_case = [
            ("external_id", "HR-10"),
            ("email", "eve@acme.test"),
            ("hub_username", "eve"),
            ("manager_email", "carol@acme.test"),
        ];
        let reply = app
            .post_form(
                "/cases/new",
                Some(&session.cookie),
                Some("https://evil.test"),
                &new_case,
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        let login = app
            .post_form(
                "/login",
                None,
                Some(&app.url),
                &[("email", OPERATOR), ("password", "x"), ("csrf", "guess")],
            )
            .await;
        assert_eq!(
            login.status,
            StatusCode::FORBIDDEN,
            "the login form is guarded too"
        );

        let case = app.store.case(id.parse().expect("id")).await.expect("case");
        assert_eq!(
            case.state.as_str(),
            "planning",
            "the case was not cancelled"
        );
        assert_eq!(app.count("audit_event").await, audit_before);
        assert_eq!(app.count("offboarding_case").await, 1);

        let ok = app
            .submit(&session, &cancel, &[("reason", "rehired")])
            .await;
        assert_eq!(
            ok.status,
            StatusCode::SEE_OTHER,
            "the same form with its token works: {}",
            ok.body
        );
        let records = app.store.audit_events(Some(case.id)).await.expect("audit");
        assert_eq!(
            records.last().map(|r| r.actor.as_str()),
            Some("operator:ops@acme.test")
        );
    }
}

#[tokio::test]
async fn api_keys_and_operators_are_created_from_the_command_line() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let created = app.leaver(&["apikey", "create", "--name", "workday"], "");
        assert!(
            created.status.success(),
            "{}",
            crate::support::stderr(&created)
        );
        let key = crate::support::stdout(&created)
            .lines()
            .last()
            .unwrap_or_default()
            .to_owned();
        assert!(key.starts_with("lvr_"));
        let stored: String =
            sqlx::query_scalar("SELECT key_hash FROM api_key WHERE name = 'workday'")
                .fetch_one(app.store.pool())
                .await
                .expect("stored");
        assert!(!stored.contains(&key[4..]), "only the key's hash is stored");
        let list = app.api_as(Some(&key), "GET", "/api/v1/cases", None).await;
        assert_eq!(list.status, StatusCode::OK);
        let twice = app.leaver(&["apikey", "create", "--name", "workday"], "");
        assert!(!twice.status.success());

        let short = app.leaver(
            &[
                "user",
                "add",
                "--email",
                "new@acme.test",
                "--password-stdin",
            ],
            "short\n",
        );
        assert!(!short.status.success());
        let added = app.leaver(
            &[
                "user",
                "add",
                "--email",
                "New@Acme.test",
                "--password-stdin",
            ],
            "a long enough password\n",
        );
        assert!(added.status.success(), "{}", crate::support::stderr(&added));
        assert_eq!(
            app.try_login("new@acme.test", "a long enough password")
                .await
                .status,
            StatusCode::SEE_OTHER
        );
    }
}
