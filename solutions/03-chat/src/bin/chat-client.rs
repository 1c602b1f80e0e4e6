//! chat-client: chat from a terminal. Every line typed goes to the server as
//! it is; every line the server sends is shown as text for people.
//!
//! Receiving and typing happen at once: a reader thread shows incoming lines
//! while the main thread waits for the user's next line. With one thread, a
//! client blocked in reading stdin would show nothing until the user typed.

use std::io::{self, BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use chat::render::render;
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

/// Sends `/nick` and `/join` when asked for, then every line of stdin as it
/// is, until stdin ends.
fn send_everything(mut server: &TcpStream, args: &ClientArgs) -> io::Result<()> {
    if let Some(name) = &args.name {
        writeln!(server, "/nick {name}")?;
    }
    if let Some(room) = &args.room {
        writeln!(server, "/join {room}")?;
    }
    // Bytes, not `String`s: a line is sent as it is, whatever it holds.
    let mut stdin = io::stdin().lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        if stdin.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        if !line.ends_with(b"\n") {
            line.push(b'\n');
        }
        server.write_all(&line)?;
    }
}

/// Shows every line the server sends, until it closes the connection.
fn show_incoming(server: TcpStream, quitting: &AtomicBool) {
    for line in BufReader::new(server).split(b'\n') {
        let Ok(line) = line else { break };
        let line = String::from_utf8_lossy(&line);
        // `println!` flushes at the newline, also into a pipe.
        println!("{}", render(line.trim_end_matches('\r')));
    }
    if !quitting.load(Ordering::SeqCst) {
        // The server closed first; the main thread may be waiting for the
        // user to type: end the whole program from here.
        println!("* disconnected");
        std::process::exit(0);
    }
}
