//! group-chat: one participant of a peer-to-peer group chat. See the
//! exercise's README; the parts are in the library (`src/lib.rs`).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    group_chat::peer::run(group_chat::Args::parse())
}
