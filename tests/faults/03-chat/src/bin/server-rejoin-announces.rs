//! Fault: `/join` to the room the client is already in leaves it and joins it
//! again, sending a `LEAVE` and a `JOIN` where nothing changed.
//!
//! replaces: chat-server
//! rejected-by: step2_join_switches_rooms

use chat::{lines, protocol, ServerArgs};
use chat_faults::Mistake;
use clap::Parser;

#[path = "../hub.rs"]
mod hub;
#[path = "../../../../../solutions/03-chat/src/threaded.rs"]
mod threaded;

/// The one mistake of this server's hub.
const MISTAKE: Mistake = Mistake::RejoinAnnounces;

fn main() -> std::process::ExitCode {
    threaded::run(ServerArgs::parse())
}
