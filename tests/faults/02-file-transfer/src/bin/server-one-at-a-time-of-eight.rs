//! Fault: uploads are served one after the other, on the accepting thread
//! (the mistake of `server-one-at-a-time`), here for the test named for
//! concurrency, which must catch it by itself: eight uploads, the first held
//! open half way, and the seven others get no `OK`.
//!
//! replaces: file-server
//! rejected-by: step8_eight_uploads_at_once

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
