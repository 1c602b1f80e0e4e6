//! chat-client: chat from a terminal. Every line typed goes to the server as
//! it is; every line the server sends is shown as text for people.
//!
//! Receiving and typing happen at once: a reader thread shows incoming lines
//! while the main thread waits for the user's next line. With one thread, a
//! client blocked in reading stdin would show nothing until the user typed.
//! The two loops themselves are in `relay.rs`.

use std::io::Write;
use std::net::TcpStream;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use crate::relay::{send_everything, show_incoming};
use crate::ClientArgs;

/// Runs the client until stdin ends (then it quits) or the server goes away.
pub fn run(args: ClientArgs) -> ExitCode {
    let stream = match TcpStream::connect(&args.server) {
        Ok(stream) => stream,
        Err(err) => {
            eprintln!("error: cannot connect to {}: {err}", args.server);
            return ExitCode::from(1);
        }
    };
    let incoming = match stream.try_clone() {
        Ok(incoming) => incoming,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(1);
        }
    };
    // Set before `/quit` is sent, so that the reader knows that the server
    // closing the connection is the end we asked for.
    let quitting = Arc::new(AtomicBool::new(false));
    let reader = {
        let quitting = Arc::clone(&quitting);
        thread::spawn(move || show_incoming(incoming, &quitting))
    };

    if send_everything(&stream, &args).is_ok() {
        quitting.store(true, Ordering::SeqCst);
        let _ = (&stream).write_all(b"/quit\n");
    }
    // After `/quit` the server sends what it still had for us, then closes:
    // the reader shows it all and returns.
    let _ = reader.join();
    ExitCode::SUCCESS
}
