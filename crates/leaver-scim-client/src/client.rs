//! The calls: each is one HTTP request to the app, authenticated with its bearer token,
//! answered as `leaver_scim` reads SCIM bodies.

use crate::error::ScimClientError;
use crate::matching::MatchBy;
use leaver_scim::path::get_ci;
use leaver_scim::schemas::PATCH_OP;
use leaver_scim::{MEDIA_TYPE, UserView};
use reqwest::{Method, RequestBuilder, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use std::time::Duration;
use url::Url;

/// How long one call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// One SCIM app.
#[derive(Clone)]
pub struct ScimClient {
    http: reqwest::Client,
    /// Ends with `/`, so relative paths join under it.
    base: Url,
    token: SecretString,
}

impl std::fmt::Debug for ScimClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScimClient")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

/// A User as the app holds it: its id, the attributes Leaver reads, and the whole resource
/// (what a PUT sends back, and what evidence shows).
#[derive(Clone, Debug, PartialEq)]
pub struct RemoteUser {
    pub id: String,
    pub view: UserView,
    pub resource: Value,
}

impl RemoteUser {
    fn read(call: &str, resource: Value) -> Result<RemoteUser, ScimClientError> {
        let id = resource
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| ScimClientError::decode(call, "a User without an id"))?
            .to_owned();
        let view = UserView::read(&resource)
            .map_err(|e| ScimClientError::decode(call, format!("not a User: {}", e.detail)))?;
        Ok(RemoteUser { id, view, resource })
    }
}

impl ScimClient {
    /// A client for the app whose SCIM base is `base_url` (`https://app.example/scim/v2`).
    pub fn new(base_url: &Url, token: SecretString) -> Result<ScimClient, ScimClientError> {
        let mut base = base_url.clone();
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let http = reqwest::Client::builder()
            .timeout(CALL_TIMEOUT)
            .user_agent(concat!("leaver-scim-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ScimClientError::transport("building the HTTP client", e))?;
        Ok(ScimClient { http, base, token })
    }

    /// The base URL, as configured.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The person whose `by` attribute is `value`, if the app holds one (`GET /Users?filter=`).
    /// Of several answers, an exact match is taken (an active one first).
    pub async fn find_user(
        &self,
        by: MatchBy,
        value: &str,
    ) -> Result<Option<RemoteUser>, ScimClientError> {
        let call = "GET /Users?filter";
        let request = self
            .request(Method::GET, "Users")?
            .query(&[("filter", by.filter(value).as_str()), ("count", "10")]);
        let list = self.send(call, request).await?;
        let resources = match get_ci(&list, "Resources") {
            Some(Value::Array(items)) => items.clone(),
            None | Some(Value::Null) => Vec::new(),
            Some(_) => return Err(ScimClientError::decode(call, "Resources is not a list")),
        };
        let mut users = resources
            .into_iter()
            .map(|r| RemoteUser::read(call, r))
            .collect::<Result<Vec<_>, _>>()?;
        users.retain(|u| by.matches(&u.view, value));
        users.sort_by_key(|u| !u.view.active);
        Ok(users.into_iter().next())
    }

    /// The User `id`, or `None` if the app answers 404 (gone).
    pub async fn user(&self, id: &str) -> Result<Option<RemoteUser>, ScimClientError> {
        let call = "GET /Users/{id}";
        match self
            .send(call, self.request(Method::GET, &users(id))?)
            .await
        {
            Ok(resource) => RemoteUser::read(call, resource).map(Some),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Sets `active` to false with a PATCH (RFC 7644 §3.5.2.3).
    pub async fn deactivate_with_patch(&self, id: &str) -> Result<(), ScimClientError> {
        let body = json!({
            "schemas": [PATCH_OP],
            "Operations": [{"op": "replace", "path": "active", "value": false}],
        });
        let request = self
            .request(Method::PATCH, &users(id))?
            .body(body.to_string());
        self.send("PATCH /Users/{id}", request).await.map(drop)
    }

    /// Sets `active` to false by replacing the whole resource (RFC 7644 §3.5.1), for apps
    /// without PATCH: every attribute as read, `meta` left out (read-only).
    pub async fn deactivate_with_put(&self, user: &RemoteUser) -> Result<(), ScimClientError> {
        let mut resource = user.resource.clone();
        if let Some(object) = resource.as_object_mut() {
            object.remove("meta");
            object.insert("active".into(), Value::Bool(false));
        }
        let request = self
            .request(Method::PUT, &users(&user.id))?
            .body(resource.to_string());
        self.send("PUT /Users/{id}", request).await.map(drop)
    }

    /// Deletes the User (RFC 7644 §3.6).
    pub async fn delete(&self, id: &str) -> Result<(), ScimClientError> {
        let request = self.request(Method::DELETE, &users(id))?;
        self.send("DELETE /Users/{id}", request).await.map(drop)
    }

    /// `GET` of a path under the base, as JSON.
    pub(crate) async fn get(&self, call: &str, path: &str) -> Result<Value, ScimClientError> {
        self.send(call, self.request(Method::GET, path)?).await
    }

    fn request(&self, method: Method, path: &str) -> Result<RequestBuilder, ScimClientError> {
        let url = self
            .base
            .join(path)
            .map_err(|e| ScimClientError::decode(path, format!("bad URL: {e}")))?;
        Ok(self
            .http
            .request(method, url)
            .bearer_auth(self.token.expose_secret())
            .header("Accept", MEDIA_TYPE)
            .header("Content-Type", MEDIA_TYPE))
    }

    /// Sends, and reads a success's body as JSON (`Null` for an empty one, as 204 is).
    async fn send(&self, call: &str, request: RequestBuilder) -> Result<Value, ScimClientError> {
        let response = request
            .send()
            .await
            .map_err(|e| ScimClientError::transport(call, e))?;
        let status = response.status();
        let retry_after = retry_after(&response);
        let body = response
            .text()
            .await
            .map_err(|e| ScimClientError::transport(call, e))?;
        if !status.is_success() {
            return Err(ScimClientError::from_answer(
                call,
                status.as_u16(),
                &body,
                retry_after,
            ));
        }
        if status == StatusCode::NO_CONTENT || body.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&body).map_err(|e| ScimClientError::decode(call, e))
    }
}

fn users(id: &str) -> String {
    // The id is one path segment, whatever it holds.
    let encoded: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
    format!("Users/{}", encoded.replace('+', "%20"))
}

/// `Retry-After` in seconds (the HTTP-date form is rare on APIs and read as absent).
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}
