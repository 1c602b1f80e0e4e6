//! Fault: no duplicate suppression: every message that comes is printed and forwarded, seen
//! before or not. In a chain that works; in a ring (and a full mesh is full of rings) a message
//! goes round for ever, printed again and again, and comes back to its author.
//!
//! replaces: group-chat
//! rejected-by: step3_a_ring_prints_each_message_once_and_never_its_own

use clap::Parser;
use group_chat::{frame, mesh, message, outbox, Args};

#[path = "../../../../../solutions/08-group-chat/src/peer.rs"]
mod peer;

mod route {
    use std::collections::HashSet;

    /// The mistake: every id is new.
    pub fn first_time(_seen: &mut HashSet<String>, _id: &str) -> bool {
        true
    }
}

fn main() -> std::process::ExitCode {
    peer::run(Args::parse())
}
