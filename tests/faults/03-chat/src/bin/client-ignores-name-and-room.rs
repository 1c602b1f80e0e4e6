//! Fault: `--name` and `--room` are parsed, and never sent as `/nick` and
//! `/join`.
//!
//! replaces: chat-client
//! rejected-by: step5_client_sends_nick_join_and_every_stdin_line

use chat::ClientArgs;
use clap::Parser;

#[path = "../../../../../solutions/03-chat/src/client.rs"]
mod client;

mod relay {
    use std::io::{self, BufRead, Write};
    use std::net::TcpStream;

    pub use chat::relay::*;

    use chat::ClientArgs;

    /// The mistake: stdin only, `args` unused.
    pub fn send_everything(mut server: &TcpStream, _args: &ClientArgs) -> io::Result<()> {
        let mut stdin = io::stdin().lock();
        let mut line = Vec::new();
        loop {
            line.clear();
            if stdin.read_until(b'\n', &mut line)? == 0 {
                return Ok(());
            }
            if !line.ends_with(b"\n") {
                line.push(b'\n');
            }
            server.write_all(&line)?;
        }
    }
}

fn main() -> std::process::ExitCode {
    client::run(ClientArgs::parse())
}
