//! The audit chain: every state change is an [`AuditRecord`] whose hash covers the previous
//! record's hash, so editing or deleting any record breaks every hash after it.
//!
//! The hash is SHA-256 over a canonical encoding: JSON with object keys sorted and no
//! whitespace, of `[seq, at_ms, case_id, actor, kind, data]`, prefixed by the previous hash.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The hash the first record points back to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of the audit trail, as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// When it happened, in milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// The case it concerns, if any.
    pub case_id: Option<String>,
    /// Who caused it: `operator:alice@acme.test`, `approver:carol@acme.test`, `engine`, `api:hr`.
    pub actor: String,
    /// What happened: an event name such as `case_opened` or `step_succeeded`.
    pub kind: String,
    /// The details (the event, the Hub's answer, the decision and where it came from).
    pub data: Value,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRecord {
    /// Builds the record that follows `prev_hash`, computing its hash.
    pub fn chained(
        prev_hash: &str,
        seq: i64,
        at_ms: i64,
        case_id: Option<String>,
        actor: String,
        kind: String,
        data: Value,
    ) -> AuditRecord {
        let mut record = AuditRecord {
            seq,
            at_ms,
            case_id,
            actor,
            kind,
            data,
            prev_hash: prev_hash.to_owned(),
            hash: String::new(),
        };
        record.hash = record.expected_hash();
        record
    }

    /// The hash this record must carry, given its content and `prev_hash`.
    pub fn expected_hash(&self) -> String {
        let body = Value::Array(vec![
            Value::from(self.seq),
            Value::from(self.at_ms),
            self.case_id.clone().map_or(Value::Null, Value::from),
            Value::from(self.actor.clone()),
            Value::from(self.kind.clone()),
            self.data.clone(),
        ]);
        let mut hasher = Sha256::new();
        hasher.update(self.prev_hash.as_bytes());
        hasher.update(canonical_json(&body).as_bytes());
        hex::encode(hasher.finalize())
    }
}

/// Where a chain breaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokenLink {
    /// The first record (by sequence number) that does not check out.
    pub seq: i64,
    pub reason: String,
}

/// Walks `records` (in `seq` order) and returns the first broken link: a gap in the sequence, a
/// record whose `prev_hash` is not its predecessor's hash, or a record whose content no longer
/// matches its hash. `head` is the (seq, hash) the store last wrote, which catches deletion of
/// the newest records.
pub fn verify_chain<'a>(
    records: impl IntoIterator<Item = &'a AuditRecord>,
    head: Option<(i64, &str)>,
) -> Result<i64, BrokenLink> {
    let mut walk = ChainWalk::from_genesis();
    for record in records {
        walk.check(record)?;
    }
    walk.finish(head)
}

/// A walk along the chain, one record at a time, from the genesis or from a record already
/// checked: so that a long chain can be read a page at a time, or only from where an earlier
/// check stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainWalk {
    /// The last record checked (0 at the genesis) and its hash.
    seq: i64,
    hash: String,
}

impl ChainWalk {
    /// A walk from the first record.
    pub fn from_genesis() -> ChainWalk {
        ChainWalk::after(0, GENESIS_HASH)
    }

    /// A walk that takes records up to `seq` (whose hash is `hash`) as checked.
    pub fn after(seq: i64, hash: &str) -> ChainWalk {
        ChainWalk {
            seq,
            hash: hash.to_owned(),
        }
    }

    /// The last record checked (0 at the genesis) and its hash.
    pub fn last(&self) -> (i64, &str) {
        (self.seq, &self.hash)
    }

    /// Checks the next record: it must follow the last one without a gap, point to its hash,
    /// and match its own hash.
    pub fn check(&mut self, record: &AuditRecord) -> Result<(), BrokenLink> {
        let expected_seq = self.seq + 1;
        let broken = |reason: String| BrokenLink {
            seq: expected_seq.min(record.seq),
            reason,
        };
        if record.seq != expected_seq {
            return Err(broken(format!(
                "record {expected_seq} is missing (next found is {})",
                record.seq
            )));
        }
        if record.prev_hash != self.hash {
            return Err(broken(
                "does not point to the hash of the record before it".into(),
            ));
        }
        if record.hash != record.expected_hash() {
            return Err(broken(
                "content does not match its hash: it was edited".into(),
            ));
        }
        self.seq = record.seq;
        self.hash.clone_from(&record.hash);
        Ok(())
    }

    /// Ends the walk against `head` (the (seq, hash) the store last wrote, which catches
    /// deletion of the newest records); the number of records in the chain.
    pub fn finish(&self, head: Option<(i64, &str)>) -> Result<i64, BrokenLink> {
        let count = self.seq;
        if let Some((head_seq, head_hash)) = head
            && (head_seq != count || head_hash != self.hash)
        {
            return Err(BrokenLink {
                seq: count + 1,
                reason: format!(
                    "the chain head says {head_seq} records, found {count}: records were deleted"
                ),
            });
        }
        Ok(count)
    }
}

/// JSON with object keys sorted and no insignificant whitespace, whatever map order serde_json
/// was built with.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::from(key.as_str()).to_string());
                out.push(':');
                write_canonical(item, out);
            }
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chain(n: i64) -> Vec<AuditRecord> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let r = AuditRecord::chained(
                    &prev,
                    seq,
                    seq * 1000,
                    None,
                    "engine".into(),
                    "x".into(),
                    json!({"n": seq}),
                );
                prev.clone_from(&r.hash);
                r
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let records = chain(5);
        let head = records.last().map(|r| (r.seq, r.hash.as_str()));
        assert_eq!(verify_chain(&records, head), Ok(5));
    }

    #[test]
    fn an_edited_record_is_the_first_broken_link() {
        let mut records = chain(5);
        records[2].data = json!({"n": 99});
        assert_eq!(verify_chain(&records, None).map_err(|b| b.seq), Err(3));
    }

    #[test]
    fn a_deleted_record_in_the_middle_or_at_the_end_is_found() {
        let mut records = chain(5);
        records.remove(1);
        assert_eq!(verify_chain(&records, None).map_err(|b| b.seq), Err(2));
        let mut records = chain(5);
        let head = (5, records[4].hash.clone());
        records.pop();
        assert_eq!(
            verify_chain(&records, Some((head.0, &head.1))).map_err(|b| b.seq),
            Err(5)
        );
    }

    #[test]
    fn a_walk_from_a_checked_record_checks_only_what_follows() {
        let records = chain(5);
        let mut walk = ChainWalk::after(3, &records[2].hash);
        for record in &records[3..] {
            walk.check(record).expect("intact");
        }
        assert_eq!(walk.finish(Some((5, &records[4].hash))), Ok(5));
        let mut edited = records[4].clone();
        edited.data = json!({"n": 99});
        let mut walk = ChainWalk::after(4, &records[3].hash);
        assert_eq!(walk.check(&edited).map_err(|b| b.seq), Err(5));
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let value = json!({"b": 1, "a": {"d": [1, {"z": 0, "y": 1}], "c": null}});
        assert_eq!(
            canonical_json(&value),
            r#"{"a":{"c":null,"d":[1,{"y":1,"z":0}]},"b":1}"#
        );
    }
}
