//! The engine as it runs in production: the real `leaver serve` binary (or the engine in
//! process, for the fault test) against a real hubsim, killed at random, faulted, and run as
//! two replicas on one database. Every test checks the Hub's own write log: no destructive write
//! is carried out twice, whatever happens to the workers.

mod admin_lock;
mod crash;
mod faults;
mod lost_answers;
mod outage;
mod replicas;
mod support;
