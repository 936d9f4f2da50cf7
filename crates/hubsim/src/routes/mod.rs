//! The Hub endpoints hubsim answers, one module per resource.

pub mod access_grants;
pub mod access_requests;
pub mod audit_log;
pub mod member_writes;
pub mod members;
pub mod org_repos;
pub mod orgs;
pub mod repos;
pub mod scim;
pub mod sim;
pub mod tokens;
pub mod users;
pub mod whoami;

use axum::Router;
use axum::routing::{get, post, put};

use crate::state::AppState;

/// Every Hub route (not the `/_sim/` ones). Route templates here are the keys of
/// `/_sim/calls` and of `fail_next` faults.
pub fn hub_routes() -> Router<AppState> {
    let org = "/api/organizations/{org}";
    let mut router = Router::new()
        .route("/api/whoami-v2", get(whoami::whoami))
        .route(&format!("{org}/overview"), get(orgs::overview))
        .route(
            &format!("{org}/resource-groups"),
            get(orgs::resource_groups),
        )
        .route(&format!("{org}/members"), get(members::list))
        .route(
            &format!("{org}/members/{{user}}"),
            axum::routing::delete(member_writes::remove),
        )
        .route(
            &format!("{org}/members/{{user}}/role"),
            put(member_writes::change_role),
        )
        .route(
            &format!("{org}/settings/repositories"),
            get(org_repos::list),
        )
        .route(
            &format!("{org}/settings/tokens/revoke"),
            post(tokens::revoke_in_org),
        )
        .route(&format!("{org}/audit-log/export"), get(audit_log::export))
        .route("/api/credentials/revoke", post(tokens::revoke_everywhere))
        .route("/api/users/{user}/overview", get(users::overview))
        .route("/api/models", get(repos::list_models))
        .route("/api/datasets", get(repos::list_datasets))
        .route("/api/spaces", get(repos::list_spaces));
    for kind in ["models", "datasets", "spaces"] {
        let base = format!("/api/{kind}/{{ns}}/{{name}}/user-access-request");
        router = router
            .route(&format!("{base}/{{status}}"), get(access_requests::list))
            .route(&format!("{base}/handle"), post(access_requests::handle))
            .route(&format!("{base}/grant"), post(access_grants::grant))
            .route(&format!("{base}/cancel"), post(access_grants::cancel));
    }
    router.merge(scim::routes())
}
