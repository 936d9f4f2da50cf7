//! What every handler can reach.

use leaver_store::Store;
use std::sync::Arc;

/// Shared application state: cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Arc<dyn Store>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>) -> AppState {
        AppState { store }
    }
}
