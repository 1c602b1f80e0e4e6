//! The protocol on one connection: a line in, an answer out, until the client
//! hangs up.
//!
//! Clients may *pipeline*: send many lines before reading any answer. The
//! answers go through a `BufWriter`, so that a burst of lines costs one
//! `write` system call rather than one per answer; but an answer must never
//! wait in that buffer while the server waits for more input, or a client
//! that sends one line and waits for its answer waits for ever. So the writer
//! is flushed whenever the input holds no complete line yet: just before a
//! `read` that could block.

use std::io::{self, BufReader, BufWriter, Write};
use std::net::TcpStream;

use crate::lines::{read_line, Line};
use crate::{answer, Error};

/// Serves one client until it closes the connection. Bad input gets an error
/// line and the session goes on; only an I/O error ends it early.
pub fn serve(stream: &TcpStream) -> io::Result<()> {
    let mut reader = BufReader::new(stream);
    let mut writer = BufWriter::new(stream);
    let mut line = Vec::new();
    loop {
        let reply = match read_line(&mut reader, &mut line)? {
            Line::Text => answer(&line),
            Line::TooLong => format!("ERR {}", Error::LineTooLong),
            Line::End => break,
        };
        writeln!(writer, "{reply}")?;
        if !reader.buffer().contains(&b'\n') {
            writer.flush()?;
        }
    }
    writer.flush()
}
