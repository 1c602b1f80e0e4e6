//! Fault: `TcpStream::connect(…).unwrap()`: with no server the client panics
//! (exit 101) rather than exit 1 with an `error: …` line.
//!
//! replaces: chat-client
//! rejected-by: step5_client_fails_without_a_server

use std::io::Write;
use std::net::TcpStream;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use chat::relay::{send_everything, show_incoming};
use chat::ClientArgs;
use clap::Parser;

fn main() -> ExitCode {
    let args = ClientArgs::parse();
    // The mistake: a panic for a failure the user must be told about.
    let stream = TcpStream::connect(&args.server).unwrap();
    let incoming = stream.try_clone().unwrap();
    let quitting = Arc::new(AtomicBool::new(false));
    let reader = {
        let quitting = Arc::clone(&quitting);
        thread::spawn(move || show_incoming(incoming, &quitting))
    };
    if send_everything(&stream, &args).is_ok() {
        quitting.store(true, Ordering::SeqCst);
        let _ = (&stream).write_all(b"/quit\n");
    }
    let _ = reader.join();
    ExitCode::SUCCESS
}
