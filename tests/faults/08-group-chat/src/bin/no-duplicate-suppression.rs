//! Fault: no duplicate suppression: every message that comes is printed and forwarded, seen
//! before or not. In a chain that works; in a ring (and a full mesh is full of rings) a message
//! goes round for ever, printed again and again, and comes back to its author. It is rejected
//! by the test whose harness peers send one id four times: a bounded number of copies, each
//! seen, where a ring's endless flood of lines is more than a test can read line by line.
//!
//! replaces: group-chat
//! rejected-by: step3_the_same_id_twice_from_two_neighbours_is_printed_once_forwarded_once

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
