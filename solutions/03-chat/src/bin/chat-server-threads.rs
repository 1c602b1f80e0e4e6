//! chat-server-threads: the step-5 server, a thread per client, kept beside
//! the tokio reference (`chat-server`) to compare with it (see `threaded.rs`).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    chat::threaded::run(chat::ServerArgs::parse())
}
