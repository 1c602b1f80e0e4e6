//! The client's two loops: stdin to the server (the main thread), and the
//! server to stdout (the reader thread). See `client.rs` for why two threads.

use std::io::{self, BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::render::render;
use crate::ClientArgs;

/// Sends `/nick` and `/join` when asked for, then every line of stdin as it
/// is, until stdin ends.
pub fn send_everything(mut server: &TcpStream, args: &ClientArgs) -> io::Result<()> {
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
/// `quitting` is set once the client has sent `/quit`.
pub fn show_incoming(server: TcpStream, quitting: &AtomicBool) {
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
