//! What Leaver has to say, queued in the transaction that causes it: approval emails in the
//! outbox, notices for the operators gathered into digests.

pub mod operator_notices;
pub mod outbox;
