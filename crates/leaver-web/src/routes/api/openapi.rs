//! `GET /api/openapi.json`: the API's OpenAPI 3 document, generated from the handlers' and
//! DTOs' annotations.

use super::dto::{
    CancelBody, CaseBody, CasePersonBody, DriftBody, ErrorBody, FieldErrorBody, HeldTokensBody,
    PersonBody, PersonPatchBody, ReplannedBody, SkipBody, StepBody, TicketBody, TicketPatchBody,
    TokensBody,
};
use crate::AppState;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Leaver",
        description = "Open and follow offboarding cases from an HR system. Authenticate with an API key created by `leaver apikey create --name NAME`, sent as `Authorization: Bearer <key>`."
    ),
    paths(super::create::create, super::list::list, super::show::show, super::update::update, super::cancel::cancel, super::replan::replan, super::skip::skip, super::reask::reask, super::confirm_nothing_held::confirm_nothing_held, super::tokens::hold, super::tokens_ack::acknowledge, super::hooks::receive),
    components(schemas(TicketBody, TicketPatchBody, PersonPatchBody, PersonBody, CasePersonBody, CaseBody, StepBody, DriftBody, CancelBody, SkipBody, ReplannedBody, TokensBody, HeldTokensBody, ErrorBody, FieldErrorBody, super::hooks::HookEnvelopeBody)),
    modifiers(&BearerKey),
    tags((name = "cases", description = "Offboarding cases"), (name = "hooks", description = "Signed HR webhooks: no API key, the Leaver-Signature header authenticates"))
)]
pub struct ApiDoc;

struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some("An API key from `leaver apikey create`"))
            .build();
        components.add_security_scheme("api_key", SecurityScheme::Http(scheme));
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(document))
}

async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
