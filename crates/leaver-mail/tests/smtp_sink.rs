//! The SMTP sink itself, spoken to over raw TCP: the protocol other crates' tests rely on.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::time::Duration;

use leaver_mail::smtp_sink::SmtpSink;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

/// A raw SMTP client: send a line, read the (possibly multi-line) reply.
struct Client {
    r: BufReader<OwnedReadHalf>,
    w: OwnedWriteHalf,
}

impl Client {
    async fn connect(sink: &SmtpSink) -> (Client, String) {
        let (r, w) = TcpStream::connect(sink.addr).await.unwrap().into_split();
        let mut client = Client {
            r: BufReader::new(r),
            w,
        };
        let greeting = client.reply().await;
        (client, greeting)
    }

    async fn reply(&mut self) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            // A closed session reads as EOF or as a reset: both end the reply.
            if !matches!(self.r.read_line(&mut line).await, Ok(n) if n > 0) {
                return all;
            }
            all.push_str(&line);
            if line.as_bytes().get(3) != Some(&b'-') {
                return all;
            }
        }
    }

    async fn say(&mut self, line: &str) -> String {
        // Writing to a closed session may fail; the (empty) reply tells.
        let _ = self.w.write_all(format!("{line}\r\n").as_bytes()).await;
        self.reply().await
    }
}

#[tokio::test]
async fn the_sink_accepts_a_message_with_dot_unstuffing_and_records_its_envelope() {
    let sink = SmtpSink::start().await;
    assert_eq!(sink.url, format!("smtp://127.0.0.1:{}", sink.addr.port()));
    let (mut c, greeting) = Client::connect(&sink).await;
    assert!(greeting.starts_with("220 "));

    let ehlo = c.say("EHLO client.test").await;
    assert!(
        ehlo.starts_with("250-") && ehlo.contains("\r\n250 "),
        "{ehlo}"
    );
    assert!(!ehlo.contains("AUTH"), "no AUTH unless required: {ehlo}");
    assert!(
        c.say("MAIL FROM:<a@x.test> BODY=8BITMIME")
            .await
            .starts_with("250")
    );
    assert!(c.say("RCPT TO:<b@y.test>").await.starts_with("250"));
    assert!(c.say("rcpt to:<c@y.test>").await.starts_with("250"));
    assert!(c.say("DATA").await.starts_with("354"));
    let body = "Subject: hi\r\n\r\n..leading dot\r\n.\r\n";
    c.w.write_all(body.as_bytes()).await.unwrap();
    assert!(c.reply().await.starts_with("250"));
    assert!(c.say("QUIT").await.starts_with("221"));

    let messages = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].mail_from, "a@x.test");
    assert_eq!(messages[0].rcpt_to, ["b@y.test", "c@y.test"]);
    assert_eq!(messages[0].data, "Subject: hi\r\n\r\n.leading dot\r\n");
    assert_eq!(messages[0].auth_user, None);
}

#[tokio::test]
async fn the_sink_enforces_command_order_and_rset_clears_the_envelope() {
    let sink = SmtpSink::start().await;
    let (mut c, _) = Client::connect(&sink).await;

    assert!(
        c.say("MAIL FROM:<a@x.test>").await.starts_with("503"),
        "EHLO first"
    );
    assert!(c.say("HELO client.test").await.starts_with("250"));
    assert!(
        c.say("RCPT TO:<b@y.test>").await.starts_with("503"),
        "MAIL first"
    );
    assert!(c.say("MAIL FROM:<a@x.test>").await.starts_with("250"));
    assert!(
        c.say("MAIL FROM:<a@x.test>").await.starts_with("503"),
        "nested MAIL"
    );
    assert!(c.say("DATA").await.starts_with("503"), "RCPT first");
    assert!(c.say("RCPT TO:<b@y.test>").await.starts_with("250"));
    assert!(c.say("RSET").await.starts_with("250"));
    assert!(
        c.say("DATA").await.starts_with("503"),
        "RSET cleared the envelope"
    );
    assert!(c.say("NOOP").await.starts_with("250"));
    assert!(c.say("BOGUS").await.starts_with("500"));
    assert!(c.say("MAIL FROM:a@x.test").await.starts_with("501"));
    assert!(sink.messages().is_empty());
}

#[tokio::test]
async fn a_down_sink_answers_421_to_new_and_open_connections() {
    let sink = SmtpSink::start().await;
    let (mut open, _) = Client::connect(&sink).await;
    assert!(open.say("EHLO client.test").await.starts_with("250"));

    sink.set_down(true);

    assert!(open.say("NOOP").await.starts_with("421"));
    let (_, greeting) = Client::connect(&sink).await;
    assert!(greeting.starts_with("421"), "{greeting}");
    sink.set_down(false);
    let (_, greeting) = Client::connect(&sink).await;
    assert!(greeting.starts_with("220"), "{greeting}");
}

#[tokio::test]
async fn a_sink_requiring_auth_refuses_mail_until_auth_plain_succeeds() {
    let sink = SmtpSink::start().await;
    sink.require_auth(Some(("u", "p")));
    let (mut c, _) = Client::connect(&sink).await;

    assert!(c.say("EHLO client.test").await.contains("AUTH PLAIN"));
    assert!(c.say("MAIL FROM:<a@x.test>").await.starts_with("530"));
    // base64("\0u\0wrong") and base64("\0u\0p")
    assert!(c.say("AUTH PLAIN AHUAd3Jvbmc=").await.starts_with("535"));
    assert!(c.say("AUTH PLAIN").await.starts_with("334"));
    assert!(c.say("AHUAcA==").await.starts_with("235"));
    assert!(c.say("MAIL FROM:<a@x.test>").await.starts_with("250"));
}

#[tokio::test]
async fn wait_for_returns_what_arrived_when_the_timeout_passes() {
    let sink = SmtpSink::start().await;

    let started = std::time::Instant::now();
    let messages = sink.wait_for(1, Duration::from_millis(200)).await;

    assert!(messages.is_empty());
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn stopping_the_sink_closes_open_sessions_and_the_port() {
    let sink = SmtpSink::start().await;
    let (mut open, _) = Client::connect(&sink).await;

    sink.stop().await;

    assert_eq!(open.say("NOOP").await, "", "the session was closed");
    assert!(TcpStream::connect(sink.addr).await.is_err());
}
