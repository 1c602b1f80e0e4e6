//! chat-client: chat from a terminal. Every line typed goes to the server as
//! it is; every line the server sends is shown as text for people. Your task
//! is in README.md, step 5.

use clap::Parser;

/// A chat client: sends every line typed on stdin, shows what the server says.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The server, as host:port.
    #[arg(long)]
    server: String,
    /// Sent as `/nick NAME` right after connecting.
    #[arg(long)]
    name: Option<String>,
    /// Sent as `/join ROOM` right after connecting (and after `/nick`).
    #[arg(long)]
    room: Option<String>,
}

fn main() {
    let args = Args::parse();
    todo!(
        "README step 5: connect to {}, start a thread that shows the server's lines, then send \
         {:?} / {:?} and every stdin line",
        args.server,
        args.name,
        args.room
    );
}
