//! group-chat: one participant of a peer-to-peer group chat over TCP. Your
//! task is in README.md, steps 1 to 5.

use clap::Parser;

/// One participant of a group chat: listens for the others and connects to
/// them; every line typed on stdin is a message to the whole group.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// This participant's name, unique in the group.
    #[arg(long)]
    name: String,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The port to listen on; 0 (the default) lets the OS pick a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// A participant already in the group, as host:port (repeatable).
    #[arg(long = "peer")]
    peers: Vec<String>,
}

fn main() {
    let args = Args::parse();
    todo!(
        "README step 1: as {}, bind a TcpListener to {}:{}, print `listening on <addr>`, connect to \
         {:?}, then send each stdin line as a length-prefixed JSON frame and print the frames that come",
        args.name,
        args.host,
        args.port,
        args.peers
    );
}
