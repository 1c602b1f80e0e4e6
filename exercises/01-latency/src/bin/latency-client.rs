//! latency-client: sends pings to a latency-server and reports round-trip
//! times. Your task is in README.md, steps 2 to 6.

use clap::Parser;

/// Measures UDP round trips: sends numbered pings, one at a time, and times
/// each matching pong.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The server, as host:port.
    #[arg(long)]
    server: String,
    /// How many pings to send.
    #[arg(long, default_value_t = 100)]
    count: u64,
    /// The size of each ping in bytes (the first 8 are its sequence number).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(8..=65507))]
    size: u16,
    /// How long to wait for each pong, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    timeout_ms: u64,
    /// Print the summary as one JSON object instead of the plain line.
    #[arg(long)]
    json: bool,
}

fn main() {
    let args = Args::parse();
    todo!(
        "README step 2: send {} pings of {} bytes to {}",
        args.count,
        args.size,
        args.server
    );
}
