//! file-client: uploads one file to a file-server and waits until the server
//! says it is safe.
//!
//! The work is in the library (`src/client.rs`); this `main` reports it.

use std::process::ExitCode;

use clap::Parser;
use file_transfer::client::upload;
use file_transfer::ClientArgs;

fn main() -> ExitCode {
    let args = ClientArgs::parse();
    match upload(&args) {
        Ok((name, size)) => {
            println!("uploaded {name} ({size} bytes)");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(1)
        }
    }
}
