//! latency-server: a UDP echo. Every datagram it receives goes back to its
//! sender, byte for byte. Your task is in README.md, step 1.

use clap::Parser;

/// A UDP echo server for measuring round-trip latency.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The port to bind; 0 lets the OS pick a free one.
    #[arg(long, default_value_t = 9999)]
    port: u16,
}

fn main() {
    let args = Args::parse();
    todo!(
        "README step 1: bind a UdpSocket to {}:{}, print `listening on <addr>`, then echo every datagram",
        args.host,
        args.port
    );
}
