//! Fault: `/nick` accepts a name that another client uses.
//!
//! replaces: chat-server
//! rejected-by: step3_nick_names_the_sender

use chat::{lines, protocol, ServerArgs};
use chat_faults::Mistake;
use clap::Parser;

#[path = "../hub.rs"]
mod hub;
#[path = "../../../../../solutions/03-chat/src/threaded.rs"]
mod threaded;

/// The one mistake of this server's hub.
const MISTAKE: Mistake = Mistake::NamesNotUnique;

fn main() -> std::process::ExitCode {
    threaded::run(ServerArgs::parse())
}
