//! The in-memory transport: keeps every sent [`Email`] in a list, for other crates' unit tests.
//! It can be switched "down" to make sends fail as an SMTP outage would.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::{Email, MailError};

/// Shared state of a memory mailer: clones of the [`crate::Mailer`] see the same list.
#[derive(Debug, Default, Clone)]
pub(crate) struct MemoryTransport {
    sent: Arc<Mutex<Vec<Email>>>,
    down: Arc<AtomicBool>,
}

impl MemoryTransport {
    pub(crate) fn send(&self, email: &Email) -> Result<(), MailError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(MailError::Delivery {
                transient: true,
                code: Some(421),
                reason: "memory transport is down".to_owned(),
            });
        }
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(email.clone());
        Ok(())
    }

    pub(crate) fn sent(&self) -> Vec<Email> {
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }
}
