//! calc-server: evaluates one arithmetic expression per line, for any number
//! of clients at once.
//!
//! One thread per connection: a client that is slow, silent or gone blocks
//! only its own thread. Threads are cheap enough for the tens of clients a
//! calculator has; thousands would call for async I/O.

use std::net::TcpListener;
use std::process::ExitCode;
use std::thread;

use calculator::{server, ServerArgs};
use clap::Parser;

fn main() -> ExitCode {
    let args = ServerArgs::parse();
    let listener = match TcpListener::bind((args.host.as_str(), args.port)) {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("error: cannot bind {}:{}: {err}", args.host, args.port);
            return ExitCode::from(1);
        }
    };
    // The address actually bound: with --port 0 this is where the OS put us.
    println!(
        "listening on {}",
        listener
            .local_addr()
            .expect("a bound socket has an address")
    );

    for stream in listener.incoming() {
        let stream = match stream {
            Ok(stream) => stream,
            // A connection that failed before we accepted it (reset, or out
            // of file descriptors for a moment) is no reason to stop.
            Err(err) => {
                eprintln!("accept failed: {err}");
                continue;
            }
        };
        thread::spawn(move || {
            let peer = stream
                .peer_addr()
                .map_or("?".to_string(), |a| a.to_string());
            if let Err(err) = server::serve(&stream) {
                eprintln!("{peer}: {err}");
            }
        });
    }
    ExitCode::SUCCESS
}
