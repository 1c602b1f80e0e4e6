//! file-server: receives uploads into a directory, one per connection, many
//! connections at once.
//!
//! The work is in the library (`src/server.rs`, where the ideas that carry it
//! are told): this `main` binds, then gives each connection a thread of its own.

use std::process::ExitCode;
use std::thread;

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
    for stream in listener.incoming() {
        match stream {
            // A thread per upload: a slow client only ever holds its own thread.
            Ok(stream) => {
                let dir = args.dir.clone();
                thread::spawn(move || serve(stream, dir));
            }
            Err(err) => eprintln!("accept failed: {err}"),
        }
    }
    ExitCode::SUCCESS
}
