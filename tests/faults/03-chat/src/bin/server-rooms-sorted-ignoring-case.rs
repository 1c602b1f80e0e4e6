//! Fault: `/rooms` sorts the rooms ignoring case (`alpha beta Zeta`) rather
//! than in byte order (`Zeta alpha beta`).
//!
//! replaces: chat-server
//! rejected-by: step3_rooms_lists_active_rooms_sorted_with_counts

use chat::{lines, protocol, ServerArgs};
use chat_faults::Mistake;
use clap::Parser;

#[path = "../hub.rs"]
mod hub;
#[path = "../../../../../solutions/03-chat/src/threaded.rs"]
mod threaded;

/// The one mistake of this server's hub.
const MISTAKE: Mistake = Mistake::RoomsSortedIgnoringCase;

fn main() -> std::process::ExitCode {
    threaded::run(ServerArgs::parse())
}
