//! Fault: a message goes to every connected client, whatever its room: the
//! lecture's one-room server with rooms bolted on.
//!
//! replaces: chat-server
//! rejected-by: step2_rooms_are_isolated

use chat::{lines, protocol, ServerArgs};
use chat_faults::Mistake;
use clap::Parser;

#[path = "../hub.rs"]
mod hub;
#[path = "../../../../../solutions/03-chat/src/threaded.rs"]
mod threaded;

/// The one mistake of this server's hub.
const MISTAKE: Mistake = Mistake::BroadcastToEveryRoom;

fn main() -> std::process::ExitCode {
    threaded::run(ServerArgs::parse())
}
