//! calc-server: evaluates one arithmetic expression per line, for any number
//! of clients at once. Your task is in README.md, steps 1 to 6.

use clap::Parser;

/// A calculator server: one arithmetic expression per line, one answer per line.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The port to bind; 0 lets the OS pick a free one.
    #[arg(long, default_value_t = 7878)]
    port: u16,
}

fn main() {
    let args = Args::parse();
    todo!(
        "README step 1: bind a TcpListener to {}:{}, print `listening on <addr>`, then answer each line",
        args.host,
        args.port
    );
}
