//! Approval links: each link's secret is an HMAC of its id under the server's key, so it is never
//! stored (the database keeps its SHA-256), is derived again when the link's email is sent, and
//! is the same on every replica that shares the key. And where Leaver's emails lead.

use hmac::{Hmac, Mac};
use leaver_core::CaseId;
use leaver_store::approvals::{MintedLink, hash_token};
use sha2::Sha256;
use uuid::Uuid;

/// Mints links (an id and its secret's hash) and says where emails lead.
pub struct Minter {
    key: Vec<u8>,
    public_url: String,
}

impl std::fmt::Debug for Minter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Minter")
            .field("key", &"[REDACTED]")
            .field("public_url", &self.public_url)
            .finish()
    }
}

impl Minter {
    /// `key` must be at least 32 bytes of secret randomness; links lead to `public_url`.
    pub fn new(key: Vec<u8>, public_url: &url::Url) -> Minter {
        Minter {
            key,
            public_url: public_url.as_str().trim_end_matches('/').to_owned(),
        }
    }

    /// The secret of `link_id`: 256 bits, hex.
    pub fn token(&self, link_id: Uuid) -> String {
        // HMAC accepts keys of any length; `new_from_slice` cannot fail for HMAC.
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!());
        mac.update(b"leaver approval link ");
        mac.update(link_id.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// A new link: a fresh id, and the hash under which its secret is stored.
    pub fn mint(&self) -> MintedLink {
        let id = Uuid::now_v7();
        MintedLink {
            id,
            token_hash: hash_token(&self.token(id)),
        }
    }

    /// The approval page of `link_id`, its secret in the path.
    pub fn approval_page(&self, link_id: Uuid) -> String {
        format!("{}/approvals/{}", self.public_url, self.token(link_id))
    }

    /// The operator's page of `case`.
    pub fn case_page(&self, case: CaseId) -> String {
        format!("{}/cases/{case}", self.public_url)
    }

    /// The operator's list of the cases that need attention.
    pub fn cases_needing_attention(&self) -> String {
        format!("{}/cases?state=needs_attention", self.public_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minted_link_is_stored_under_the_hash_of_the_secret_its_page_carries() {
        let minter = Minter::new(vec![7; 32], &"https://leaver.test/".parse().expect("url"));
        let link = minter.mint();
        let page = minter.approval_page(link.id);
        let secret = page
            .strip_prefix("https://leaver.test/approvals/")
            .expect("the page");
        assert_eq!(secret.len(), 64);
        assert_eq!(hash_token(secret), link.token_hash);
        let other = Minter::new(vec![8; 32], &"https://leaver.test".parse().expect("url"));
        assert_ne!(other.token(link.id), secret, "another key, another secret");
    }
}
