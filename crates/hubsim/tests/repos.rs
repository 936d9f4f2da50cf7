//! Repo listings: filters, `expand`, private visibility, pagination, org settings list.

mod common;

use common::{Sim, assert_error, base_seed};
use serde_json::{Value, json};

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect()
}

#[tokio::test]
async fn private_repos_are_listed_only_for_members() {
    let sim = Sim::base().await;
    let anonymous = sim.get_json("/api/models?author=acme-ai", None).await;
    assert_eq!(ids(&anonymous), ["acme-ai/llama-ft"]);
    let outsider = sim
        .get_json("/api/models?author=acme-ai", Some("hf_erin"))
        .await;
    assert_eq!(ids(&outsider), ["acme-ai/llama-ft"]);
    let member = sim
        .get_json("/api/models?author=acme-ai", Some("hf_carol"))
        .await;
    assert_eq!(ids(&member), ["acme-ai/llama-ft", "acme-ai/secret-model"]);
}

#[tokio::test]
async fn gated_filter_and_expand_return_only_the_asked_properties() {
    let sim = Sim::base().await;
    let gated = sim
        .get_json(
            "/api/models?author=acme-ai&gated=true&expand=gated&expand=private",
            Some("hf_carol"),
        )
        .await;
    assert_eq!(
        gated,
        json!([{"id": "acme-ai/llama-ft", "gated": "manual", "private": false}])
    );
    let open = sim
        .get_json(
            "/api/models?author=acme-ai&gated=false&expand=gated",
            Some("hf_carol"),
        )
        .await;
    assert_eq!(
        open,
        json!([{"id": "acme-ai/secret-model", "gated": false}])
    );
    let datasets = sim
        .get_json("/api/datasets?author=acme-ai&expand=author", None)
        .await;
    assert_eq!(
        datasets,
        json!([{"id": "acme-ai/open-data", "author": "acme-ai"}])
    );
}

#[tokio::test]
async fn default_listing_fields_and_bad_expand_values() {
    let sim = Sim::base().await;
    let models = sim.get_json("/api/models?author=erin", None).await;
    assert_eq!(models[0]["id"], "erin/own-model");
    assert_eq!(models[0]["private"], false);
    assert!(models[0]["_id"].is_string());
    assert_error(sim.get("/api/models?expand=nonsense", None).await, 400).await;
    assert_error(sim.get("/api/spaces?expand=gated", None).await, 400).await;
    assert_error(
        sim.get("/api/models?expand=gated&full=true", None).await,
        400,
    )
    .await;
}

#[tokio::test]
async fn six_hundred_repos_page_through_link_headers() {
    let mut seed = base_seed();
    let repos: Vec<Value> = (0..600)
        .map(|i| json!({"id": format!("acme-ai/model-{i:03}"), "gated": if i % 3 == 0 { json!("auto") } else { json!(false) }}))
        .collect();
    seed["repos"] = Value::Array(repos);
    let sim = Sim::start(seed).await;
    let (all, pages) = sim
        .all_pages("/api/models?author=acme-ai&limit=100&expand=gated", None)
        .await;
    assert_eq!(all.len(), 600);
    assert_eq!(pages, 6);
    let mut seen: Vec<&str> = all.iter().filter_map(|r| r["id"].as_str()).collect();
    seen.dedup();
    assert_eq!(seen.len(), 600);
    let (gated, _) = sim
        .all_pages("/api/models?author=acme-ai&gated=true&limit=50", None)
        .await;
    assert_eq!(gated.len(), 200);
}

#[tokio::test]
async fn org_settings_repositories_lists_private_repos_with_storage() {
    let sim = Sim::base().await;
    let list = sim
        .get_json(
            "/api/organizations/acme-ai/settings/repositories",
            Some("hf_alice_admin"),
        )
        .await;
    assert_eq!(
        ids(&list),
        [
            "acme-ai/secret-model",
            "acme-ai/open-data",
            "acme-ai/llama-ft"
        ]
    );
    let secret = &list[0];
    assert_eq!(secret["type"], "model");
    assert_eq!(secret["visibility"], "private");
    assert_eq!(secret["storage"], 300);
    assert_eq!(secret["storagePercent"], 75.0);
    assert!(secret["updatedAt"].is_string());
    let datasets = sim
        .get_json(
            "/api/organizations/acme-ai/settings/repositories?type=dataset",
            Some("hf_alice_admin"),
        )
        .await;
    assert_eq!(ids(&datasets), ["acme-ai/open-data"]);
    let (paged, pages) = sim
        .all_pages(
            "/api/organizations/acme-ai/settings/repositories?limit=1&sort=storage&direction=asc",
            Some("hf_alice_admin"),
        )
        .await;
    assert_eq!(
        ids(&Value::Array(paged)),
        [
            "acme-ai/llama-ft",
            "acme-ai/open-data",
            "acme-ai/secret-model"
        ]
    );
    assert_eq!(pages, 3);
    assert_error(
        sim.get(
            "/api/organizations/acme-ai/settings/repositories",
            Some("hf_carol"),
        )
        .await,
        403,
    )
    .await;
}

#[tokio::test]
async fn resource_groups_are_listed_for_admins() {
    let sim = Sim::base().await;
    let groups = sim
        .get_json(
            "/api/organizations/acme-ai/resource-groups",
            Some("hf_alice_admin"),
        )
        .await;
    let names: Vec<&str> = groups
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|g| g["name"].as_str())
        .collect();
    assert_eq!(names, ["research", "infra"]);
    assert_eq!(groups[0]["users"][0]["name"], "bob");
    assert_eq!(groups[0]["users"][0]["role"], "write");
    assert_eq!(groups[0]["id"].as_str().map(str::len), Some(24));
    let as_bob = sim
        .get_json("/api/organizations/acme-ai/resource-groups", Some("hf_bob"))
        .await;
    assert_eq!(as_bob, json!([]), "bob is no RG admin");
}
