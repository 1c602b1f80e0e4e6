//! file-server: receives uploaded files into a directory, one upload per
//! connection, many connections at once. Your task is in README.md, steps 1
//! and 4 to 9.

use std::path::PathBuf;

use clap::Parser;

/// Receives uploaded files into a directory.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The directory that receives the files.
    #[arg(long)]
    dir: PathBuf,
    /// The address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The port to bind; 0 lets the OS pick a free one.
    #[arg(long, default_value_t = 9000)]
    port: u16,
}

fn main() {
    let args = Args::parse();
    todo!(
        "README step 1: bind {}:{}, print `listening on <addr>`, then save each upload into {}",
        args.host,
        args.port,
        args.dir.display()
    );
}
