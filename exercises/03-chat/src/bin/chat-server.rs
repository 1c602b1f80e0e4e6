//! chat-server: a multi-room chat server over TCP. Your task is in
//! README.md, steps 1 to 4, then step 6 (the same server on tokio).

use clap::Parser;

/// A multi-room chat server: one line per message, one room per client.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The port to bind; 0 lets the OS pick a free one.
    #[arg(long, default_value_t = 6667)]
    port: u16,
}

fn main() {
    let args = Args::parse();
    todo!(
        "README step 1: bind a TcpListener to {}:{}, print `listening on <addr>`, then serve each client \
         on a thread of its own",
        args.host,
        args.port
    );
}
