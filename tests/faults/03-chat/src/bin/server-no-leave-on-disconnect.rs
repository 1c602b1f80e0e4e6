//! Fault: a client that disconnects without `/quit` is removed silently: its
//! room is never told it left.
//!
//! replaces: chat-server
//! rejected-by: step2_a_client_that_vanishes_leaves_its_room

use chat::{lines, protocol, ServerArgs};
use chat_faults::Mistake;
use clap::Parser;

#[path = "../hub.rs"]
mod hub;
#[path = "../../../../../solutions/03-chat/src/threaded.rs"]
mod threaded;

/// The one mistake of this server's hub.
const MISTAKE: Mistake = Mistake::NoLeaveOnDisconnect;

fn main() -> std::process::ExitCode {
    threaded::run(ServerArgs::parse())
}
