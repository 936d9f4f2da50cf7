//! `GET /api/users/{user}/overview`: a user's public profile with their orgs.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use crate::audit::avatar_url;
use crate::auth::Caller;
use crate::errors::{ApiError, ApiResult};
use crate::ids;
use crate::seed::RepoType;
use crate::state::AppState;
use crate::views::org_overview;

/// The profile. `orgs` lists every org the user belongs to (hubsim has no private
/// memberships). Authentication is optional; the username is matched without case.
pub async fn overview(
    State(state): State<AppState>,
    _caller: Caller,
    Path(username): Path<String>,
) -> ApiResult<Json<Value>> {
    let world = state.world();
    // The Hub finds a user whatever the case of the letters and answers with the account's
    // own spelling (`/api/users/Alice/overview` is `alice`'s profile).
    let user = world
        .user(&username)
        .or_else(|| {
            world
                .seed
                .users
                .iter()
                .find(|u| u.username.eq_ignore_ascii_case(&username))
        })
        .ok_or_else(|| ApiError::not_found(format!("User {username} not found")))?;
    let username = user.username.clone();
    let count = |t: RepoType| {
        world
            .seed
            .repos
            .iter()
            .filter(|r| r.repo_type == t && r.namespace() == username)
            .count()
    };
    let orgs: Vec<Value> = world
        .seed
        .orgs
        .iter()
        .filter(|o| o.member(&username).is_some())
        .map(|o| org_overview(&world, o))
        .collect();
    Ok(Json(json!({
        "_id": ids::user_id(&user.username),
        "user": user.username,
        "fullname": user.fullname,
        "avatarUrl": avatar_url(&user.username),
        "details": "",
        "type": "user",
        "isFollowing": false,
        "isPro": user.is_pro,
        "numModels": count(RepoType::Model),
        "numDatasets": count(RepoType::Dataset),
        "numSpaces": count(RepoType::Space),
        "numDiscussions": 0,
        "numPapers": 0,
        "numUpvotes": 0,
        "numLikes": 0,
        "numFollowing": 0,
        "numFollowers": 0,
        "orgs": orgs,
    })))
}
