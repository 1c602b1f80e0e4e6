//! The protocol on one connection: a line in, an answer out, until the client
//! hangs up; and the accept loop, one thread per client.
//!
//! Answers go through a `BufWriter` so that a pipelined burst costs one
//! `write`; it is flushed whenever no complete request is waiting, just before
//! a read that could block, so no answer sits in the buffer while its client
//! waits for it.

use std::io::{self, BufReader, BufWriter, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;

use crate::lines::{read_line, Line};
use crate::protocol::{parse, Request};

/// What answers a parsed request: the store, in the solution.
pub type Answer = dyn Fn(&Request) -> String + Send + Sync;

/// The answer to one line, or `None` for an empty line (no answer at all).
pub fn answer_line(line: &[u8], answer: &dyn Fn(&Request) -> String) -> Option<String> {
    if line.is_empty() {
        return None;
    }
    Some(match std::str::from_utf8(line) {
        Err(_) => "ERR invalid utf-8".to_string(),
        Ok(text) => match parse(text) {
            Ok(request) => answer(&request),
            Err(error) => format!("ERR {error}"),
        },
    })
}

/// Serves one client until it closes the connection. Bad input gets an `ERR`
/// line and the session goes on.
pub fn serve(stream: &TcpStream, answer: &dyn Fn(&Request) -> String) -> io::Result<()> {
    let mut reader = BufReader::new(stream);
    let mut writer = BufWriter::new(stream);
    let mut line = Vec::new();
    loop {
        let reply = match read_line(&mut reader, &mut line)? {
            Line::Text => answer_line(&line, answer),
            Line::TooLong => Some("ERR line too long".to_string()),
            Line::End => break,
        };
        if let Some(reply) = reply {
            writeln!(writer, "{reply}")?;
        }
        if !reader.buffer().contains(&b'\n') {
            writer.flush()?;
        }
    }
    writer.flush()
}

/// Accepts clients for ever, each on a thread of its own: a slow or silent
/// client blocks only its own thread.
pub fn run(listener: TcpListener, answer: Arc<Answer>) {
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(stream) => stream,
            Err(err) => {
                eprintln!("accept failed: {err}");
                continue;
            }
        };
        let answer = Arc::clone(&answer);
        thread::spawn(move || {
            if let Err(err) = serve(&stream, &*answer) {
                eprintln!("connection: {err}");
            }
        });
    }
}

/// Binds `host:port` and prints `listening on <addr>`, the address bound.
pub fn bind(host: &str, port: u16) -> Result<TcpListener, String> {
    let listener = TcpListener::bind((host, port))
        .map_err(|err| format!("cannot bind {host}:{port}: {err}"))?;
    let addr = listener.local_addr().map_err(|err| err.to_string())?;
    println!("listening on {addr}");
    Ok(listener)
}
