//! `GET /audit`: is the chain intact (checked from the verified-up-to mark on, see
//! `leaver_store`'s `audit::mark`), the newest 100 records, and the period export form.

use crate::AppState;
use crate::auth::CurrentOperator;
use crate::views::{Chrome, PageError, when_ms};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use leaver_app::model::ChainCheck;
use leaver_core::audit::AuditRecord;

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(page))
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    chain: ChainCheck,
    records: Vec<AuditRecord>,
    /// The most cases the printable export shows.
    cap: u32,
}

impl AuditPage {
    fn when(&self, ms: &i64) -> String {
        when_ms(*ms)
    }
    fn data(&self, record: &AuditRecord) -> String {
        let text = record.data.to_string();
        match text.char_indices().nth(160) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text,
        }
    }
}

#[tracing::instrument(skip_all)]
async fn page(
    operator: CurrentOperator,
    State(state): State<AppState>,
) -> Result<AuditPage, PageError> {
    let chain = state.app.audit_chain().await?;
    let records = state.app.recent_audit(100).await?;
    Ok(AuditPage {
        chrome: Chrome::from(&operator),
        chain,
        records,
        cap: leaver_app::evidence::export::PAGE_CAP,
    })
}
