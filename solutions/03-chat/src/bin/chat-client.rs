//! chat-client: chat from a terminal (see `client.rs`).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    chat::client::run(chat::ClientArgs::parse())
}
