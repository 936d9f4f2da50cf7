//! `GET /api/whoami-v2`: who owns this token, and their role in each org.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::audit::avatar_url;
use crate::auth::Caller;
use crate::errors::ApiResult;
use crate::ids;
use crate::seed::TokenRole;
use crate::state::AppState;
use crate::views::{member_groups, plan_name};

/// Answers the caller's profile, orgs (`roleInOrg`, `plan`, `resourceGroups`) and token.
pub async fn whoami(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Value>> {
    let identity = caller.required()?;
    let world = state.world();
    let user = world.user(&identity.user);
    let orgs: Vec<Value> = world
        .seed
        .orgs
        .iter()
        .filter_map(|org| {
            let member = org.member(&identity.user)?;
            let restrictions: Vec<&str> = if org.revoked_tokens.contains(&identity.token) {
                vec!["token-revoked"]
            } else {
                vec![]
            };
            let mut item = json!({
                "type": "org",
                "id": ids::org_id(&org.name),
                "name": org.name,
                "fullname": org.display_name(),
                "email": null,
                "canPay": org.plan.is_paid(),
                "billingMode": "postpaid",
                "avatarUrl": avatar_url(&org.name),
                "periodEnd": null,
                "roleInOrg": member.role,
                "securityRestrictions": restrictions,
                "resourceGroups": member_groups(org, member, None),
                "pendingSSO": false,
                "missingMFA": false,
            });
            if let Some(plan) = plan_name(org.plan) {
                item["plan"] = plan.into();
            }
            Some(item)
        })
        .collect();
    let token = world.token(&identity.token);
    let display_name = token
        .and_then(|t| t.display_name.clone())
        .unwrap_or_else(|| format!("{}-token", identity.user));
    let role = match identity.token_role {
        TokenRole::Read => "read",
        TokenRole::Write => "write",
    };
    Ok(Json(json!({
        "type": "user",
        "id": ids::user_id(&identity.user),
        "name": identity.user,
        "fullname": user.map_or("", |u| u.fullname.as_str()),
        "email": user.and_then(|u| u.email.clone()),
        "emailVerified": user.is_some_and(|u| u.email.is_some()),
        "isPro": user.is_some_and(|u| u.is_pro),
        "canPay": false,
        "billingMode": "prepaid",
        "avatarUrl": avatar_url(&identity.user),
        "periodEnd": null,
        "orgs": orgs,
        "auth": {
            "type": "access_token",
            "accessToken": {
                "displayName": display_name,
                "role": role,
                "createdAt": "2026-01-01T00:00:00.000Z",
            },
        },
    })))
}
