//! Fault: one thread: the client forwards stdin to its end, and only then
//! reads the server, so nothing shows while the user is typing.
//!
//! replaces: chat-client
//! rejected-by: step5_client_shows_messages_while_waiting_for_input

use std::io::Write;
use std::net::TcpStream;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use chat::relay::{send_everything, show_incoming};
use chat::ClientArgs;
use clap::Parser;

fn main() -> ExitCode {
    let args = ClientArgs::parse();
    let stream = match TcpStream::connect(&args.server) {
        Ok(stream) => stream,
        Err(err) => {
            eprintln!("error: cannot connect to {}: {err}", args.server);
            return ExitCode::from(1);
        }
    };
    // The mistake: no reader thread; the server is read only after stdin.
    let _ = send_everything(&stream, &args);
    let _ = (&stream).write_all(b"/quit\n");
    show_incoming(stream, &AtomicBool::new(true));
    ExitCode::SUCCESS
}
