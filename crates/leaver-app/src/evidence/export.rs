//! An export written as it is read: JSON and CSV come out a page of cases at a time (the opening,
//! [`PAGE`] cases per piece, then the chain's check), so an export of 100,000 cases holds one
//! page in memory, not all of them; the HTML page, which is read by a person, shows at most
//! [`PAGE_CAP`] cases and says so. The web answers with the pieces as a streamed body, the CLI
//! writes them to standard output.

use super::render::{self, Format};
use super::{Evidence, Scope};
use crate::{Clock, Leaver};
use leaver_core::CaseId;
use leaver_store::{ReportStore, SqlStore, StoreError};
use std::sync::Arc;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Cases read and written per piece of a JSON or CSV export.
pub const PAGE: u32 = 100;
/// The most cases the printable page shows (it says when the scope holds more).
pub const PAGE_CAP: u32 = 200;

/// An export under way.
pub struct Export {
    store: Arc<SqlStore>,
    clock: Arc<dyn Clock>,
    scope: Scope,
    format: Format,
    title: String,
    generated_at: OffsetDateTime,
    next: Next,
}

/// What the next piece is.
enum Next {
    Opening,
    Cases { after: Option<CaseId> },
    Closing,
    Done,
}

impl Leaver {
    /// Starts an export of `scope` as `format`. Fails before anything is written when the scope
    /// names no case ([`Error::NotFound`](crate::Error::NotFound)).
    pub async fn export(&self, scope: Scope, format: Format) -> crate::Result<Export> {
        let title = scope.title(&*self.store).await?;
        Ok(Export {
            store: self.store.clone(),
            clock: self.clock.clone(),
            scope,
            format,
            title,
            generated_at: self.now(),
            next: Next::Opening,
        })
    }
}

impl Export {
    /// The next piece of the export, or `None` once it is all written.
    pub async fn next_piece(&mut self) -> anyhow::Result<Option<Vec<u8>>> {
        loop {
            match self.next {
                Next::Opening if self.format == Format::Html => {
                    self.next = Next::Done;
                    return Ok(Some(render::page(&self.printable().await?)?));
                }
                Next::Opening => {
                    self.next = Next::Cases { after: None };
                    let at = self.generated_at.format(&Rfc3339)?;
                    return Ok(Some(render::opening(self.format, &at, &self.title)?));
                }
                Next::Cases { after } => {
                    let page = self.page(after, PAGE).await?;
                    self.next = match page.last() {
                        Some(last) if page.len() == PAGE as usize => Next::Cases {
                            after: Some(last.case.id),
                        },
                        _ => Next::Closing,
                    };
                    if !page.is_empty() {
                        let first = after.is_none();
                        return Ok(Some(render::cases(self.format, &page, first)?));
                    }
                }
                Next::Closing => {
                    self.next = Next::Done;
                    let chain = self.store.verify_audit_since_mark(self.clock.now()).await?;
                    return Ok(Some(render::closing(self.format, &chain)?));
                }
                Next::Done => return Ok(None),
            }
        }
    }

    async fn page(
        &self,
        after: Option<CaseId>,
        limit: u32,
    ) -> Result<Vec<super::CaseEvidence>, StoreError> {
        self.scope
            .page(&*self.store, &*self.store, after, limit)
            .await
    }

    /// The first [`PAGE_CAP`] cases, for the printable page.
    async fn printable(&self) -> Result<Evidence, StoreError> {
        let mut cases = self.page(None, PAGE_CAP + 1).await?;
        let truncated = cases.len() > PAGE_CAP as usize;
        cases.truncate(PAGE_CAP as usize);
        Ok(Evidence {
            generated_at: self.generated_at,
            scope: self.title.clone(),
            chain: self.store.verify_audit_since_mark(self.clock.now()).await?,
            cases,
            truncated,
        })
    }
}
