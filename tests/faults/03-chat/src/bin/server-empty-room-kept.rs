//! Fault: the last member leaves a room, but the room stays in the map, and
//! `/rooms` lists it with a count of 0.
//!
//! replaces: chat-server
//! rejected-by: step3_rooms_counts_follow_switches_quits_and_disconnects

use chat::{lines, protocol, ServerArgs};
use chat_faults::Mistake;
use clap::Parser;

#[path = "../hub.rs"]
mod hub;
#[path = "../../../../../solutions/03-chat/src/threaded.rs"]
mod threaded;

/// The one mistake of this server's hub.
const MISTAKE: Mistake = Mistake::EmptyRoomKept;

fn main() -> std::process::ExitCode {
    threaded::run(ServerArgs::parse())
}
