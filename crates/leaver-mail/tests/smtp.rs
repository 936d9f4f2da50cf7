//! Sending through lettre's SMTP transport to a real SMTP server on loopback (the crate's own
//! `smtp_sink`), then parsing what was delivered.

#![expect(clippy::unwrap_used, reason = "tests")]

mod common;

use std::time::Duration;

use leaver_mail::smtp_sink::SmtpSink;
use leaver_mail::{Email, MailError, Mailer, RenderEmail};
use mail_parser::{MessageParser, MimeHeaders};

const FROM: &str = "Leaver <leaver@acme.test>";
const WAIT: Duration = Duration::from_secs(10);

/// Normalizes CRLF to LF, as a mail client shows it.
fn lf(s: &str) -> String {
    s.replace("\r\n", "\n")
}

fn simple_email(subject: &str) -> Email {
    Email {
        to: "carol@acme.test".to_owned(),
        subject: subject.to_owned(),
        text: "plain body\n".to_owned(),
        html: "<p>html body</p>".to_owned(),
    }
}

#[tokio::test]
async fn an_approval_request_arrives_over_smtp_as_multipart_alternative_with_its_links() {
    let sink = SmtpSink::start().await;
    let mailer = Mailer::from_url(&sink.url, FROM).unwrap();
    let request = common::approval_request();
    let email = request.render().unwrap();

    mailer.send(&email).await.unwrap();

    let received = sink.wait_for(1, WAIT).await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].mail_from, "leaver@acme.test");
    assert_eq!(received[0].rcpt_to, ["carol@acme.test"]);
    let message = MessageParser::default().parse(&received[0].data).unwrap();
    assert_eq!(message.subject(), Some(email.subject.as_str()));
    let from = message.from().unwrap().first().unwrap();
    assert_eq!(
        (from.name(), from.address()),
        (Some("Leaver"), Some("leaver@acme.test"))
    );
    let to = message.to().unwrap().first().unwrap();
    assert_eq!(
        (to.name(), to.address()),
        (Some("Carol C"), Some("carol@acme.test"))
    );
    assert!(message.date().is_some());
    assert!(message.message_id().is_some());
    assert_eq!(
        message.header_raw("Auto-Submitted").map(str::trim),
        Some("auto-generated")
    );
    let content_type = message.content_type().unwrap();
    assert_eq!(content_type.ctype(), "multipart");
    assert_eq!(content_type.subtype(), Some("alternative"));
    let text = lf(&message.body_text(0).unwrap());
    let html = lf(&message.body_html(0).unwrap());
    assert_eq!(text, email.text);
    assert_eq!(html, lf(&email.html));
    let links = [request.approve_url, request.reject_url, request.view_url];
    assert_eq!(common::text_urls(&text), links);
    assert_eq!(common::hrefs(&html), links);
}

#[tokio::test]
async fn lines_starting_with_a_dot_survive_the_trip_through_smtp() {
    let sink = SmtpSink::start().await;
    let mailer = Mailer::from_url(&sink.url, FROM).unwrap();
    let mut email = simple_email("dots");
    email.text = "first\n.\n..two dots\n.end\n".to_owned();

    mailer.send(&email).await.unwrap();

    let received = sink.wait_for(1, WAIT).await;
    let message = MessageParser::default().parse(&received[0].data).unwrap();
    assert_eq!(lf(&message.body_text(0).unwrap()), email.text);
}

#[tokio::test]
async fn when_smtp_is_down_sending_fails_transiently_and_the_same_email_goes_through_later() {
    let sink = SmtpSink::start().await;
    let mailer = Mailer::from_url(&sink.url, FROM).unwrap();
    let email = common::approval_request().render().unwrap();
    sink.set_down(true);

    let error = mailer.send(&email).await.unwrap_err();

    assert!(error.is_delivery() && error.is_transient(), "{error}");
    assert!(
        matches!(
            error,
            MailError::Delivery {
                code: Some(421),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(sink.messages().is_empty());

    sink.set_down(false);
    mailer.send(&email).await.unwrap();
    let received = sink.wait_for(1, WAIT).await;
    assert_eq!(received.len(), 1);
    assert!(received[0].data.contains("Approval needed"));
}

#[tokio::test]
async fn an_outage_after_a_first_send_also_fails_transiently_on_the_pooled_connection() {
    let sink = SmtpSink::start().await;
    let mailer = Mailer::from_url(&sink.url, FROM).unwrap();
    mailer.send(&simple_email("one")).await.unwrap();
    sink.set_down(true);

    let error = mailer.send(&simple_email("two")).await.unwrap_err();

    assert!(error.is_transient(), "{error}");
    sink.set_down(false);
    mailer.send(&simple_email("three")).await.unwrap();
    let subjects: Vec<_> = sink
        .wait_for(2, WAIT)
        .await
        .iter()
        .map(|m| m.data.clone())
        .collect();
    assert_eq!(subjects.len(), 2);
    assert!(subjects[1].contains("Subject: three"));
}

#[tokio::test]
async fn a_refused_connection_is_a_transient_delivery_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mailer = Mailer::from_url(&format!("smtp://127.0.0.1:{port}"), FROM).unwrap();

    let error = mailer.send(&simple_email("x")).await.unwrap_err();

    assert!(error.is_transient(), "{error}");
    assert!(matches!(error, MailError::Delivery { code: None, .. }));
    assert!(
        error.to_string().contains(&format!("127.0.0.1:{port}")),
        "{error}"
    );
}

#[tokio::test]
async fn a_silent_server_times_out_as_a_transient_error() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hold = tokio::spawn(async move {
        let (_stream, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let mailer = Mailer::from_url(&format!("smtp://127.0.0.1:{port}?timeout=1"), FROM).unwrap();

    let started = std::time::Instant::now();
    let error = mailer.send(&simple_email("x")).await.unwrap_err();

    assert!(error.is_transient(), "{error}");
    assert!(started.elapsed() < Duration::from_secs(10));
    hold.abort();
}

#[tokio::test]
async fn credentials_in_the_url_are_percent_decoded_and_used_for_auth() {
    let sink = SmtpSink::start().await;
    sink.require_auth(Some(("leaver@acme.test", "p@ss:w/rd")));
    let url = sink
        .url
        .replace("smtp://", "smtp://leaver%40acme.test:p%40ss%3Aw%2Frd@");
    let mailer = Mailer::from_url(&url, FROM).unwrap();

    mailer.send(&simple_email("authenticated")).await.unwrap();

    let received = sink.wait_for(1, WAIT).await;
    assert_eq!(received[0].auth_user.as_deref(), Some("leaver@acme.test"));
}

#[tokio::test]
async fn a_rejected_password_is_a_permanent_error_that_does_not_quote_the_password() {
    let sink = SmtpSink::start().await;
    sink.require_auth(Some(("leaver", "right-password")));
    let url = sink.url.replace("smtp://", "smtp://leaver:Wr0ng-S3cret@");
    let mailer = Mailer::from_url(&url, FROM).unwrap();

    let error = mailer.send(&simple_email("x")).await.unwrap_err();

    assert!(error.is_delivery() && !error.is_transient(), "{error}");
    assert!(matches!(
        error,
        MailError::Delivery {
            code: Some(535),
            ..
        }
    ));
    for shown in [
        error.to_string(),
        format!("{error:?}"),
        format!("{mailer:?}"),
    ] {
        assert!(!shown.contains("Wr0ng-S3cret"), "{shown}");
    }
    assert!(format!("{mailer:?}").contains("leaver:***@127.0.0.1"));
}

#[tokio::test]
async fn concurrent_sends_all_arrive() {
    let sink = SmtpSink::start().await;
    let mailer = Mailer::from_url(&sink.url, FROM).unwrap();

    let sends = (0..6).map(|i| {
        let mailer = mailer.clone();
        tokio::spawn(async move { mailer.send(&simple_email(&format!("n{i}"))).await })
    });
    for send in sends.collect::<Vec<_>>() {
        send.await.unwrap().unwrap();
    }

    assert_eq!(sink.wait_for(6, WAIT).await.len(), 6);
}

#[tokio::test]
async fn a_stopped_sink_refuses_connections_and_sending_fails_transiently() {
    let sink = SmtpSink::start().await;
    let mailer = Mailer::from_url(&sink.url, FROM).unwrap();
    sink.stop().await;

    let error = mailer.send(&simple_email("x")).await.unwrap_err();

    assert!(error.is_transient(), "{error}");
    assert!(tokio::net::TcpStream::connect(sink.addr).await.is_err());
}

#[tokio::test]
async fn the_mailer_check_succeeds_against_a_live_server_and_fails_against_a_down_one() {
    let sink = SmtpSink::start().await;
    let mailer = Mailer::from_url(&sink.url, FROM).unwrap();

    mailer.check().await.unwrap();
    sink.stop().await;
    let fresh = Mailer::from_url(&sink.url, FROM).unwrap();
    assert!(fresh.check().await.unwrap_err().is_transient());
}
