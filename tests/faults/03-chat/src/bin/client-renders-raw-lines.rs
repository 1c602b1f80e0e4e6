//! Fault: the client prints the server's lines as they came (`MSG general bob
//! hi`), not rendered for people (`[general] bob: hi`).
//!
//! replaces: chat-client
//! rejected-by: step5_client_renders_every_server_line

use chat::ClientArgs;
use clap::Parser;

#[path = "../../../../../solutions/03-chat/src/client.rs"]
mod client;
#[path = "../../../../../solutions/03-chat/src/relay.rs"]
mod relay;

mod render {
    /// The mistake: shown as it came.
    pub fn render(line: &str) -> String {
        line.to_string()
    }
}

fn main() -> std::process::ExitCode {
    client::run(ClientArgs::parse())
}
