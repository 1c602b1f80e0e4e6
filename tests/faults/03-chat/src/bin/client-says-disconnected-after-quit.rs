//! Fault: the client prints `* disconnected` whenever the connection ends,
//! also when it asked to quit.
//!
//! replaces: chat-client
//! rejected-by: step5_client_renders_every_server_line

use chat::ClientArgs;
use clap::Parser;

#[path = "../../../../../solutions/03-chat/src/client.rs"]
mod client;

mod relay {
    use std::io::{BufRead, BufReader};
    use std::net::TcpStream;
    use std::sync::atomic::AtomicBool;

    pub use chat::relay::*;

    use chat::render::render;

    /// The mistake: `quitting` is never looked at.
    pub fn show_incoming(server: TcpStream, _quitting: &AtomicBool) {
        for line in BufReader::new(server).split(b'\n') {
            let Ok(line) = line else { break };
            let line = String::from_utf8_lossy(&line);
            println!("{}", render(line.trim_end_matches('\r')));
        }
        println!("* disconnected");
        std::process::exit(0);
    }
}

fn main() -> std::process::ExitCode {
    client::run(ClientArgs::parse())
}
