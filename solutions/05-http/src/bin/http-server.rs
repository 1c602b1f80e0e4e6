//! http-server: a small HTTP/1.1 server. It serves `/`, `/about` and
//! `/contact`, answers 404 for any other path, and refuses what it does not
//! understand with the status code that says why.
//!
//! One thread per connection: a client that connects and sends nothing (or
//! trickles its request a byte a second) blocks only its own thread, never
//! the accept loop, so everyone else is served. Each connection is closed 10 s
//! after it was accepted if its request has not come by then, so such
//! threads do not pile up for ever.

use std::net::TcpListener;
use std::process::ExitCode;
use std::thread;

use clap::Parser;
use http_server::{connection, site, Args};

fn main() -> ExitCode {
    let args = Args::parse();
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
        match stream {
            Ok(stream) => {
                let spawned =
                    thread::Builder::new().spawn(move || connection::handle(stream, site::route));
                // Out of threads: this one connection is dropped (closed), the
                // server goes on.
                if let Err(err) = spawned {
                    eprintln!("cannot start a thread: {err}");
                }
            }
            // A client that reset before we accepted it, or no file
            // descriptors left: that client's problem, not a reason to stop.
            Err(err) => eprintln!("accept failed: {err}"),
        }
    }
    ExitCode::SUCCESS
}
