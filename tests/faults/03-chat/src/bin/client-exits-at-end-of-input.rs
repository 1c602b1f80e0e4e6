//! Fault: at the end of stdin the client sends `/quit` and exits at once, so
//! what the server still sends before it closes is never shown.
//!
//! replaces: chat-client
//! rejected-by: step5_client_quits_at_end_of_input_and_shows_the_rest

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
    let stream = match TcpStream::connect(&args.server) {
        Ok(stream) => stream,
        Err(err) => {
            eprintln!("error: cannot connect to {}: {err}", args.server);
            return ExitCode::from(1);
        }
    };
    let incoming = stream.try_clone().expect("dup a socket");
    let quitting = Arc::new(AtomicBool::new(false));
    let reader = {
        let quitting = Arc::clone(&quitting);
        thread::spawn(move || show_incoming(incoming, &quitting))
    };
    if send_everything(&stream, &args).is_ok() {
        quitting.store(true, Ordering::SeqCst);
        let _ = (&stream).write_all(b"/quit\n");
        // The mistake: gone before the reader has shown the rest.
        return ExitCode::SUCCESS;
    }
    let _ = reader.join();
    ExitCode::SUCCESS
}
