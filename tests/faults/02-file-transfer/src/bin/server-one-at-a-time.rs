//! Fault: the server serves one connection at a time, in its accept loop. A
//! client that trickles its bytes holds every other client until it is done.
//!
//! replaces: file-server
//! rejected-by: step8_trickling_client_does_not_delay_others

use std::process::ExitCode;

use clap::Parser;
use file_transfer::server::{listen, serve};
use file_transfer::ServerArgs;

fn main() -> ExitCode {
    let args = ServerArgs::parse();
    let listener = match listen(&args) {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(1);
        }
    };
    for stream in listener.incoming().flatten() {
        // The mistake: served here, to its end, before the next is accepted.
        serve(stream, args.dir.clone());
    }
    ExitCode::SUCCESS
}
