//! Fault: `/rooms` and `/quit` are recognised only as whole lines, so `/rooms x`
//! gets `ERR unknown command /rooms` and `/quit now` leaves the connection
//! open; `/nick` and `/join`, which take an argument, are split on the space
//! as they should be.
//!
//! replaces: chat-server
//! rejected-by: step3_a_command_is_its_first_word_whatever_follows

use chat::{hub, lines, ServerArgs};
use clap::Parser;

#[path = "../../../../../solutions/03-chat/src/threaded.rs"]
mod threaded;

mod protocol {
    /// What `threaded.rs` calls `Command::parse` on: the solution's commands,
    /// with this fault's parse.
    pub struct Command;

    impl Command {
        pub fn parse(line: &str) -> chat::protocol::Command<'_> {
            use chat::protocol::Command as Real;
            match Real::parse(line) {
                // The mistake: `line == "/rooms"`, where the first word counts.
                Real::Rooms | Real::Quit if line.contains(' ') => {
                    Real::Unknown(line.split(' ').next().unwrap_or(line))
                }
                command => command,
            }
        }
    }
}

fn main() -> std::process::ExitCode {
    threaded::run(ServerArgs::parse())
}
