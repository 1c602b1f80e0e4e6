//! Fault: `/join` to another room announces the client in the new room but
//! never tells the old room that it left.
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
const MISTAKE: Mistake = Mistake::SwitchWithoutLeave;

fn main() -> std::process::ExitCode {
    threaded::run(ServerArgs::parse())
}
