//! The mailbox and memory transports, SMTP URL parsing, and keeping the SMTP password out of
//! `Debug` output and error messages.

#![expect(clippy::unwrap_used, reason = "tests")]

mod common;

use std::time::Duration;

use leaver_mail::{
    AddressField, Email, MailError, Mailbox, Mailer, RenderEmail, SmtpSecurity, SmtpUrl,
};
use time::OffsetDateTime;

const FROM: &str = "Leaver <leaver@acme.test>";

#[tokio::test]
async fn the_mailbox_transport_writes_eml_files_that_list_and_get_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let mailer = Mailer::mailbox(dir.path().join("mail"), FROM).unwrap();
    let first = common::approval_request().render().unwrap();
    let second = common::operator_notice().render().unwrap();

    mailer.send(&first).await.unwrap();
    mailer.send(&second).await.unwrap();

    let mailbox = Mailbox::open(dir.path().join("mail")).unwrap();
    let listed = mailbox.list().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].subject, second.subject, "newest first");
    let read = &listed[1];
    assert_eq!(read.to, "Carol C <carol@acme.test>");
    assert_eq!(read.from, FROM);
    assert_eq!(read.subject, first.subject);
    assert_eq!(read.text.replace("\r\n", "\n"), first.text);
    assert_eq!(
        read.html.replace("\r\n", "\n"),
        first.html.replace("\r\n", "\n")
    );
    assert!((OffsetDateTime::now_utc() - read.date).abs() < Duration::from_secs(120));
    assert_eq!(mailbox.get(&read.id).unwrap().as_ref(), Some(read));
    let files: Vec<_> = std::fs::read_dir(mailbox.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files.len(), 2, "no temporary files left: {files:?}");
    assert!(files.iter().all(|f| f.ends_with(".eml")));
    assert_eq!(mailer.as_mailbox().unwrap().list().unwrap(), listed);
}

#[tokio::test]
async fn the_mailbox_ignores_stray_files_and_never_reads_outside_its_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("secret.eml"), "Subject: outside\r\n\r\nx").unwrap();
    let inner = dir.path().join("mail");
    let mailer = Mailer::mailbox(&inner, FROM).unwrap();
    mailer
        .send(&common::fresh_link().render().unwrap())
        .await
        .unwrap();
    std::fs::write(inner.join("notes.txt"), "not mail").unwrap();
    std::fs::write(inner.join(".half-written.eml.tmp"), "Subj").unwrap();

    let mailbox = mailer.as_mailbox().unwrap();

    assert_eq!(mailbox.list().unwrap().len(), 1);
    assert_eq!(mailbox.get("../secret").unwrap(), None);
    assert_eq!(mailbox.get("").unwrap(), None);
    assert_eq!(mailbox.get("no-such-id").unwrap(), None);
}

#[test]
fn a_mailbox_on_a_regular_file_is_a_mailbox_error_naming_the_path() {
    let file = tempfile::NamedTempFile::new().unwrap();

    let error = Mailer::mailbox(file.path(), FROM).unwrap_err();

    assert!(matches!(error, MailError::Mailbox { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains(&file.path().display().to_string())
    );
}

#[tokio::test]
async fn the_memory_transport_records_sends_and_can_simulate_an_outage() {
    let mailer = Mailer::memory();
    let clone = mailer.clone();
    let email = common::approval_request().render().unwrap();

    clone.send(&email).await.unwrap();
    mailer.set_memory_down(true);
    let error = mailer.send(&email).await.unwrap_err();
    mailer.set_memory_down(false);
    clone.send(&email).await.unwrap();

    assert!(error.is_transient(), "{error}");
    assert_eq!(mailer.sent(), [email.clone(), email]);
    assert_eq!(mailer.from_address(), "Leaver <leaver@localhost>");
}

#[tokio::test]
async fn a_bad_recipient_is_a_config_error_naming_the_recipient() {
    let mailer = Mailer::memory();
    let email = Email {
        to: "not an address".to_owned(),
        subject: "s".to_owned(),
        text: "t".to_owned(),
        html: "h".to_owned(),
    };

    let error = mailer.send(&email).await.unwrap_err();

    assert!(error.is_config() && !error.is_transient(), "{error}");
    assert!(matches!(
        error,
        MailError::InvalidAddress {
            field: AddressField::To,
            ..
        }
    ));
    assert!(error.to_string().contains("recipient (to)"), "{error}");
    assert!(mailer.sent().is_empty());
}

#[test]
fn a_bad_sender_is_a_config_error_naming_the_sender() {
    let error = Mailer::from_url("smtp://127.0.0.1:2525", "leaver at acme").unwrap_err();

    assert!(error.is_config(), "{error}");
    assert!(matches!(
        error,
        MailError::InvalidAddress {
            field: AddressField::From,
            ..
        }
    ));
    assert!(error.to_string().contains("sender (from)"), "{error}");
}

#[test]
fn smtp_urls_pick_the_security_mode_and_its_default_port() {
    let cases = [
        ("smtp://mail.acme.test", SmtpSecurity::Plain, 25),
        ("smtp://127.0.0.1:2525", SmtpSecurity::Plain, 2525),
        (
            "smtp://mail.acme.test?tls=starttls",
            SmtpSecurity::StartTls,
            587,
        ),
        (
            "smtp+starttls://mail.acme.test:2587",
            SmtpSecurity::StartTls,
            2587,
        ),
        ("smtps://mail.acme.test", SmtpSecurity::ImplicitTls, 465),
        ("smtp://[::1]:2525", SmtpSecurity::Plain, 2525),
    ];
    for (input, security, port) in cases {
        let url = SmtpUrl::parse(input).unwrap();
        assert_eq!((url.security(), url.port()), (security, port), "{input}");
    }
    assert_eq!(SmtpUrl::parse("smtp://[::1]:2525").unwrap().host(), "::1");
}

#[test]
fn smtp_url_credentials_are_percent_decoded_and_the_timeout_is_read() {
    let url = SmtpUrl::parse("smtps://me%40acme.test:p%40ss@mail.acme.test?timeout=5").unwrap();

    assert_eq!(url.username(), Some("me@acme.test"));
    assert_eq!(url.timeout(), Duration::from_secs(5));
    assert_eq!(
        url.to_string(),
        "smtps://me%40acme.test:***@mail.acme.test:465"
    );
}

#[test]
fn bad_smtp_urls_are_config_errors_that_name_the_fault_and_hide_the_password() {
    let cases = [
        ("ftp://u:Hunter2pw@mail.acme.test", "unknown scheme"),
        ("smtp://u:Hunter2pw@mail.acme.test:notaport", "not a URL"),
        (
            "smtp://u:Hunter2pw@mail.acme.test?bogus=1",
            "unknown query parameter \"bogus\"",
        ),
        ("smtps://u:Hunter2pw@mail.acme.test?tls=starttls", "tls="),
        ("smtp://u:Hunter2pw@mail.acme.test?timeout=0", "timeout="),
        (
            "smtp://:Hunter2pw@mail.acme.test",
            "password given without a user name",
        ),
        (
            "smtp://u@mail.acme.test",
            "user name given without a password",
        ),
        ("smtp://u:Hunter2pw@mail.acme.test/path", "unexpected path"),
        ("mail.acme.test:25", "unknown scheme"),
        ("leaver:Hunter2pw@mail.acme.test", "unknown scheme"),
        ("", "not a URL"),
    ];
    for (input, expected) in cases {
        let error = Mailer::from_url(input, FROM).unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(error.is_config(), "{input}: {shown}");
        assert!(shown.contains(expected), "{input}: {shown}");
        assert!(!shown.contains("Hunter2pw"), "{input}: {shown}");
    }
}

#[test]
fn the_smtp_password_never_shows_in_debug_output() {
    let url = "smtps://leaver:S3cr3t%21pw@mail.acme.test:465";
    let mailer = Mailer::from_url(url, FROM).unwrap();
    let parsed = SmtpUrl::parse(url).unwrap();

    for shown in [
        format!("{mailer:?}"),
        format!("{parsed:?}"),
        parsed.to_string(),
    ] {
        assert!(!shown.contains("S3cr3t"), "{shown}");
        assert!(shown.contains("leaver:***@mail.acme.test:465"), "{shown}");
    }
}
