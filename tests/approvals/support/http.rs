//! Talking to the approval pages the way a browser (or a mail scanner) does.

use super::TestApp;
use super::mail::Link;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, LOCATION, ORIGIN};

/// A response's status, `Location` and body.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub cache_control: Option<String>,
    pub body: String,
}

async fn reply(response: reqwest::Response) -> Reply {
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let location = header(LOCATION);
    let cache_control = header(reqwest::header::CACHE_CONTROL);
    Reply {
        status: response.status(),
        location,
        cache_control,
        body: response.text().await.expect("body"),
    }
}

/// `name="csrf" value="..."` from a page.
pub fn form_key_in(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\" value=\"")? + 19;
    html[at..].split('"').next().map(str::to_owned)
}

/// The form key the page would carry for `token`: anyone holding a token can compute it, so
/// attacks below use it to get past the form check and reach the link lookup.
pub fn computed_form_key(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(format!("leaver approval form {token}").as_bytes())[..16])
}

/// A random 256-bit token in hex, as a guesser would make one.
pub fn random_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// A decision form as the page sends it.
pub struct Decision<'a> {
    pub decision: &'a str,
    pub reason: &'a str,
    /// The hidden form key (`None`: left out).
    pub csrf: Option<&'a str>,
    /// The `Origin` header (`None`: left out).
    pub origin: Option<&'a str>,
}

impl TestApp {
    /// `GET url`.
    pub async fn get(&self, url: &str) -> Reply {
        reply(self.http.get(url).send().await.expect("GET")).await
    }

    /// `HEAD url`.
    pub async fn head(&self, url: &str) -> Reply {
        reply(self.http.head(url).send().await.expect("HEAD")).await
    }

    /// `POST url` with a URL-encoded form.
    pub async fn post_form(
        &self,
        url: &str,
        origin: Option<&str>,
        fields: &[(&str, &str)],
    ) -> Reply {
        let mut request = self
            .http
            .post(url)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(fields).expect("form"));
        if let Some(origin) = origin {
            request = request.header(ORIGIN, origin);
        }
        reply(request.send().await.expect("POST")).await
    }

    /// Posts a decision to the link's page.
    pub async fn decide(&self, url: &str, form: &Decision<'_>) -> Reply {
        let mut fields = vec![("decision", form.decision), ("reason", form.reason)];
        if let Some(csrf) = form.csrf {
            fields.push(("csrf", csrf));
        }
        self.post_form(url, form.origin, &fields).await
    }

    /// Opens the link's page, as the approver's browser does, and returns its form key.
    pub async fn form_key(&self, link: &Link) -> String {
        let page = self.get(&link.url).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        form_key_in(&page.body).unwrap_or_else(|| panic!("the page has no form: {}", page.body))
    }

    /// Posts `decision` to `token`'s page with the key computed for it, from our own origin.
    pub async fn post_token(&self, token: &str, decision: &str, reason: &str) -> Reply {
        let csrf = computed_form_key(token);
        let form = Decision {
            decision,
            reason,
            csrf: Some(&csrf),
            origin: Some(&self.url),
        };
        self.decide(&format!("{}/approvals/{token}", self.url), &form)
            .await
    }

    /// [`Self::post_token`] as an owned future (to run many side by side): the answer's status.
    pub fn post_token_owned(
        &self,
        token: String,
    ) -> impl std::future::Future<Output = StatusCode> + Send + 'static {
        let (http, url) = (self.http.clone(), self.url.clone());
        async move {
            let csrf = computed_form_key(&token);
            let body = serde_urlencoded::to_string([
                ("decision", "approve"),
                ("reason", ""),
                ("csrf", csrf.as_str()),
            ])
            .expect("form");
            http.post(format!("{url}/approvals/{token}"))
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(ORIGIN, &url)
                .body(body)
                .send()
                .await
                .expect("POST")
                .status()
        }
    }

    /// Opens the page and sends its form as a browser would with `reject` marked Reject (every
    /// other step left on Approve), pressing `decision`: the page's key and step fields.
    pub async fn press_steps(
        &self,
        link: &Link,
        decision: &str,
        reject: &[leaver_core::StepId],
        reason: &str,
    ) -> Reply {
        let page = self.get(&link.url).await;
        let csrf = form_key_in(&page.body).expect("a form");
        let fields = step_fields(&page.body);
        assert!(
            !fields.is_empty(),
            "the page has step choices: {}",
            page.body
        );
        let marked: Vec<(String, &str)> = fields
            .into_iter()
            .map(|f| {
                let no = reject.iter().any(|s| f == format!("step.{s}"));
                (f, if no { "reject" } else { "approve" })
            })
            .collect();
        let mut form: Vec<(&str, &str)> =
            vec![("decision", decision), ("reason", reason), ("csrf", &csrf)];
        form.extend(marked.iter().map(|(f, v)| (f.as_str(), *v)));
        self.post_form(&link.url, Some(&self.url), &form).await
    }

    /// Opens the page and presses a button on it: the page's form key, our own origin.
    pub async fn press(&self, link: &Link, decision: &str, reason: &str) -> Reply {
        let csrf = self.form_key(link).await;
        let form = Decision {
            decision,
            reason,
            csrf: Some(&csrf),
            origin: Some(&self.url),
        };
        self.decide(&link.url, &form).await
    }
}

/// The step choice fields (`step.<id>`) of an approval page, in page order, each once.
pub fn step_fields(html: &str) -> Vec<String> {
    let mut fields: Vec<String> = Vec::new();
    for piece in html.split("name=\"step.").skip(1) {
        let id = piece.split('"').next().unwrap_or_default();
        let field = format!("step.{id}");
        if !fields.contains(&field) {
            fields.push(field);
        }
    }
    fields
}
