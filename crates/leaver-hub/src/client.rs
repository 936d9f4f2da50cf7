//! `HubClient`: one clonable handle, one `send` path for every endpoint.
//!
//! Every call goes through [`HubClient::send`]: take a pacing permit, send with the bearer
//! token, read the whole body, settle the permit with the rate-limit headers, turn failures
//! into [`HubError`]s and retry the transient ones with backoff.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use url::Url;

use crate::circuit::{Circuit, CircuitState};
use crate::config::HubConfig;
use crate::error::{HubError, HubErrorKind};
use crate::error_body::{error_from_response, request_id};
use crate::pacing::Pacer;
use crate::pagination::next_page;
use crate::purpose::{self, Tally};
use crate::rate_limit::RateLimitInfo;
use crate::replay::may_resend;
use crate::retry::{RetryPolicy, is_retryable_status};

/// A typed client for the Hub endpoints Leaver uses.
///
/// Cheap to clone; clones share the HTTP connection pool, the rate-limit pacer and the call
/// counters. `Debug` never shows the token.
#[derive(Clone)]
pub struct HubClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    config: HubConfig,
    authorization: HeaderValue,
    retry: RetryPolicy,
    pacer: Pacer,
    /// Shared by every clone, so by every job: see [`crate::circuit`].
    circuit: Circuit,
    calls: AtomicU64,
    by_purpose: Tally,
    rate_limited: AtomicU64,
}

/// One request to send (possibly several times).
pub(crate) struct Call {
    pub method: Method,
    pub url: Url,
    /// JSON body; may hold secrets (raw tokens), so it is never logged.
    pub body: Option<serde_json::Value>,
    /// Another bearer than the client's own token (asking whose a token is); never logged.
    pub bearer: Option<HeaderValue>,
}

impl Call {
    pub(crate) fn new(method: Method, url: Url) -> Self {
        Self {
            method,
            url,
            body: None,
            bearer: None,
        }
    }

    pub(crate) fn json(mut self, body: serde_json::Value) -> Self {
        self.body = Some(body);
        self
    }

    /// Sends `token` as the bearer instead of the client's own token.
    pub(crate) fn bearer(mut self, token: &SecretString) -> Result<Self, HubError> {
        self.bearer = Some(bearer_header(token)?);
        Ok(self)
    }
}

/// `Bearer <token>`, marked sensitive so it is never shown.
fn bearer_header(token: &SecretString) -> Result<HeaderValue, HubError> {
    let mut value =
        HeaderValue::from_str(&format!("Bearer {}", token.expose_secret())).map_err(|_| {
            HubError::new(
                HubErrorKind::InvalidRequest,
                "the token is not a valid header value",
            )
        })?;
    value.set_sensitive(true);
    Ok(value)
}

/// A fully read response.
pub(crate) struct HubResponse {
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    context: String,
}

impl HubResponse {
    /// Decode the body as `T`.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, HubError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            HubError::new(
                HubErrorKind::Decode,
                format!("unexpected response body: {e}"),
            )
            .with_request_id(request_id(&self.headers))
            .with_context(self.context.clone())
            .with_source(e)
        })
    }
}

impl HubClient {
    /// Build a client; fails only if the base URL cannot carry paths or TLS cannot start.
    pub fn new(config: HubConfig) -> Result<Self, HubError> {
        if config.base_url.cannot_be_a_base() {
            return Err(HubError::new(
                HubErrorKind::InvalidRequest,
                "the Hub base URL cannot carry paths",
            ));
        }
        let authorization = bearer_header(&config.token)?;
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("leaver-hub/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                HubError::new(HubErrorKind::InvalidRequest, "cannot build the HTTP client")
                    .with_source(e)
            })?;
        let inner = Inner {
            http,
            retry: RetryPolicy::from_config(&config),
            pacer: Pacer::new(config.rate_limit_margin),
            circuit: Circuit::new(config.circuit),
            authorization,
            config,
            calls: AtomicU64::new(0),
            by_purpose: Tally::default(),
            rate_limited: AtomicU64::new(0),
        };
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The Hub's base URL.
    pub fn base_url(&self) -> &Url {
        &self.inner.config.base_url
    }

    /// HTTP requests sent so far by this client and its clones (retries included).
    pub fn calls_made(&self) -> u64 {
        self.inner.calls.load(Ordering::Relaxed)
    }

    /// HTTP requests sent so far by this client and its clones, by purpose (see
    /// [`crate::purpose`]).
    pub fn calls_by_purpose(&self) -> BTreeMap<&'static str, u64> {
        self.inner.by_purpose.snapshot()
    }

    /// 429 responses received so far by this client and its clones.
    pub fn rate_limited_responses(&self) -> u64 {
        self.inner.rate_limited.load(Ordering::Relaxed)
    }

    /// `base_url` + the given path segments, each percent-encoded as one segment.
    pub(crate) fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.inner.config.base_url.clone();
        url.set_query(None);
        url.set_fragment(None);
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// GET a JSON document.
    pub(crate) async fn get_json<T: DeserializeOwned>(&self, url: Url) -> Result<T, HubError> {
        self.send(&Call::new(Method::GET, url)).await?.json()
    }

    /// GET every page of a `Link`-paginated JSON array.
    pub(crate) async fn get_all<T: DeserializeOwned>(&self, url: Url) -> Result<Vec<T>, HubError> {
        let mut items = Vec::new();
        let mut seen = HashSet::new();
        let mut next = Some(url);
        while let Some(url) = next {
            if !seen.insert(url.clone()) {
                return Err(HubError::new(
                    HubErrorKind::Decode,
                    "pagination links loop back to a page already read",
                )
                .with_context(format!("GET {}", url.path())));
            }
            let response = self.send(&Call::new(Method::GET, url.clone())).await?;
            let page: Vec<T> = response.json()?;
            next = next_page(&response.headers, &url, self.base_url())?;
            items.extend(page);
        }
        Ok(items)
    }

    /// Send `call`, retrying transient failures; every endpoint goes through here. While the
    /// shared circuit is open, nothing is sent: the call fails at once as
    /// [`HubErrorKind::Unavailable`], saying when the next probe goes out.
    pub(crate) async fn send(&self, call: &Call) -> Result<HubResponse, HubError> {
        let context = format!("{} {}", call.method, call.url.path());
        let retry = self.inner.retry;
        let circuit = &self.inner.circuit;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            if let Err(wait) = circuit.admit(Instant::now()) {
                let err = circuit_open(wait, circuit.last_failure());
                return Err(err.with_context(context));
            }
            let (err, delay) = match self.attempt(call, &context).await {
                Ok((status, response)) if status.is_success() => {
                    circuit.record(Instant::now(), true);
                    return Ok(response);
                }
                Ok((status, response)) => {
                    let rate_limited = status == StatusCode::TOO_MANY_REQUESTS;
                    if rate_limited {
                        self.inner.rate_limited.fetch_add(1, Ordering::Relaxed);
                    }
                    let delay = is_retryable_status(status)
                        .then(|| retry.delay_after_status(attempt, status, &response.headers));
                    let err = error_from_response(status, &response.headers, &response.body)
                        .with_retry_after(delay.filter(|_| rate_limited));
                    if rate_limited {
                        circuit.record_rate_limited();
                    } else {
                        let healthy = !is_retryable_status(status);
                        if !healthy {
                            circuit.note_failure(format!("{context}: {err}"));
                        }
                        circuit.record(Instant::now(), healthy);
                    }
                    (err, delay)
                }
                Err(err) => {
                    if err.is_retryable() {
                        circuit.note_failure(format!("{context}: {err}"));
                        circuit.record(Instant::now(), false);
                    }
                    let delay = err
                        .is_retryable()
                        .then(|| retry.backoff(attempt, &mut rand::rng()));
                    (err, delay)
                }
            };
            match delay {
                // A write whose answer was lost is not sent again: see `crate::replay`.
                Some(delay) if attempt < retry.max_attempts && may_resend(&call.method, &err) => {
                    tracing::warn!(%context, attempt, delay_ms = %delay.as_millis(), error = %err, "Hub call failed, retrying");
                    tokio::time::sleep(delay).await;
                }
                _ => return Err(err.with_context(context)),
            }
        }
    }

    /// Where the shared circuit to the Hub stands now.
    pub fn circuit(&self) -> CircuitState {
        self.inner.circuit.state(Instant::now())
    }

    /// One attempt: pace, send, read everything.
    async fn attempt(
        &self,
        call: &Call,
        context: &str,
    ) -> Result<(StatusCode, HubResponse), HubError> {
        let permit = self.inner.pacer.acquire().await;
        self.inner.calls.fetch_add(1, Ordering::Relaxed);
        (self.inner.by_purpose).count(purpose::current(call.method == Method::GET));
        let mut request = self
            .inner
            .http
            .request(call.method.clone(), call.url.clone())
            .header(
                AUTHORIZATION,
                call.bearer
                    .clone()
                    .unwrap_or_else(|| self.inner.authorization.clone()),
            );
        if let Some(body) = &call.body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(transport_error)?;
        let status = response.status();
        let headers = response.headers().clone();
        // Another token's rate-limit headers speak of its owner's budget, not ours: that
        // permit is dropped unsettled ("no news").
        if call.bearer.is_none() {
            permit.settle(RateLimitInfo::from_headers(&headers));
        }
        let body = response.bytes().await.map_err(transport_error)?.to_vec();
        tracing::debug!(%context, status = status.as_u16(), "Hub call");
        Ok((
            status,
            HubResponse {
                headers,
                body,
                context: context.to_owned(),
            },
        ))
    }
}

/// The client is shared across tasks and threads.
const _: () = {
    const fn assert_shareable<T: Clone + Send + Sync + 'static>() {}
    assert_shareable::<HubClient>();
};

/// The answer of a call the open circuit held back.
fn circuit_open(wait: Duration, last_failure: Option<String>) -> HubError {
    let last = last_failure.map_or_else(String::new, |l| format!(" (last: {l})"));
    HubError::new(
        HubErrorKind::Unavailable,
        format!(
            "the Hub keeps failing{last}; calls are held back for {} s",
            wait.as_secs().max(1)
        ),
    )
    .with_retry_after(Some(wait))
}

/// A failure before a complete response arrived.
fn transport_error(err: reqwest::Error) -> HubError {
    let kind = if err.is_timeout() {
        HubErrorKind::Timeout
    } else {
        HubErrorKind::Network
    };
    HubError::new(kind, err.to_string()).with_source(err)
}

impl fmt::Debug for HubClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HubClient")
            .field("config", &self.inner.config)
            .field("calls_made", &self.calls_made())
            .finish_non_exhaustive()
    }
}
