//! Fault: each client is served on the accepting thread: the next client is
//! accepted only when the current one has gone.
//!
//! replaces: chat-server
//! rejected-by: step1_a_message_reaches_every_other_member_once

use std::net::TcpListener;
use std::process::ExitCode;

use chat::threaded::{serve, Hub};
use chat::ServerArgs;
use clap::Parser;

fn main() -> ExitCode {
    let args = ServerArgs::parse();
    let Ok(listener) = TcpListener::bind((args.host.as_str(), args.port)) else {
        eprintln!("error: cannot bind {}:{}", args.host, args.port);
        return ExitCode::from(1);
    };
    println!("listening on {}", listener.local_addr().unwrap());
    let hub = Hub::new();
    for stream in listener.incoming().flatten() {
        // The mistake: no thread; the next `accept` waits for this client.
        serve(&hub, stream);
    }
    ExitCode::SUCCESS
}
