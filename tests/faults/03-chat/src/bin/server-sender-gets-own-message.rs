//! Fault: the broadcast loop does not skip the sender, so every message comes
//! back to the client that sent it.
//!
//! replaces: chat-server
//! rejected-by: step1_a_message_reaches_every_other_member_once

use chat::{lines, protocol, ServerArgs};
use chat_faults::Mistake;
use clap::Parser;

#[path = "../hub.rs"]
mod hub;
#[path = "../../../../../solutions/03-chat/src/threaded.rs"]
mod threaded;

/// The one mistake of this server's hub.
const MISTAKE: Mistake = Mistake::SenderGetsOwnMessage;

fn main() -> std::process::ExitCode {
    threaded::run(ServerArgs::parse())
}
