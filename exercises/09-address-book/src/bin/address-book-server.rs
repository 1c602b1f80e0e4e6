//! address-book-server: an address book for many clients at once, that never
//! loses an entry it answered `OK` to. See the exercise's README.md.

use std::path::PathBuf;

use clap::Parser;

/// The address book server: one request per line, one answer each.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The port to bind; 0 lets the OS pick a free one.
    #[arg(long, default_value_t = 2007)]
    port: u16,
    /// The book file: loaded at start (missing: an empty book), kept durable.
    #[arg(long)]
    book: PathBuf,
}

fn main() {
    let args = Args::parse();
    let _ = (&args.host, args.port, &args.book);
    todo!(
        "README step 1: bind {}:{}, print `listening on <addr>`, then answer add/rem/fnd/lst lines",
        args.host,
        args.port
    )
}
