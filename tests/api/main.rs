//! Leaver's HTTP surface over real HTTP, on SQLite and (when `TEST_POSTGRES_URL` is set)
//! Postgres: the REST API, operator login and CSRF, CSV import, evidence exports, and a
//! headless-browser walk through the operator pages against the real engine and hubsim.

mod api_cases;
mod api_fuzz;
mod apps_settings;
mod auth;
mod browser;
mod browser_steps;
mod chrome;
mod dates;
mod edge;
mod evidence;
mod exports;
mod honest_opening;
mod hooks;
mod hub_username_doors;
mod import;
mod import_limits;
mod input_rules;
mod pages;
mod roster;
mod roster_pictures;
mod scim;
mod scim_outages;
mod scim_tester;
mod settings_access;
mod steering_pages;
mod support;
mod tokens;
mod tokens_truth;
