//! file-client: uploads one file to a file-server and waits for its `OK`.
//! Your task is in README.md, steps 2, 3 and 10.

use std::path::PathBuf;

use clap::Parser;

/// Uploads one file to a file-server.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The server, as host:port.
    #[arg(long)]
    server: String,
    /// The file to upload.
    file: PathBuf,
    /// The name to store it under (default: the file's base name).
    #[arg(long)]
    name: Option<String>,
}

fn main() {
    let args = Args::parse();
    todo!(
        "README step 2: send {}'s name (or {:?}), size and bytes to {}, half-close, wait for `OK <size>`",
        args.file.display(),
        args.name,
        args.server
    );
}
