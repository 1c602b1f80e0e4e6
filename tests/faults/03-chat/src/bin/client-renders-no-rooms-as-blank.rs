//! Fault: the client renders `ROOMS` alone (no room has members) as a bare
//! `rooms: ` rather than `rooms: (none)`: the list is joined, and an empty
//! list joins to nothing.
//!
//! replaces: chat-client
//! rejected-by: step5_client_renders_rooms_alone_as_none

use chat::ClientArgs;
use clap::Parser;

#[path = "../../../../../solutions/03-chat/src/client.rs"]
mod client;
#[path = "../../../../../solutions/03-chat/src/relay.rs"]
mod relay;

mod render {
    /// The mistake: no special case for an empty list of rooms.
    pub fn render(line: &str) -> String {
        if line.trim_end() == "ROOMS" {
            return "rooms: ".to_string();
        }
        chat::render::render(line)
    }
}

fn main() -> std::process::ExitCode {
    client::run(ClientArgs::parse())
}
