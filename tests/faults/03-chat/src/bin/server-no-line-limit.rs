//! Fault: lines of any length are read (`read_until` with no bound) and sent
//! on: a client can make the server buffer without limit.
//!
//! replaces: chat-server
//! rejected-by: step3_errors_leave_the_connection_usable

use chat::{hub, protocol, ServerArgs};
use clap::Parser;

#[path = "../../../../../solutions/03-chat/src/threaded.rs"]
mod threaded;

mod lines {
    use std::io::{self, BufRead, BufReader, Read};

    pub use chat::lines::Line;

    pub struct LineReader<R> {
        input: BufReader<R>,
    }

    impl<R: Read> LineReader<R> {
        pub fn new(input: R) -> LineReader<R> {
            LineReader {
                input: BufReader::new(input),
            }
        }

        /// The mistake: the whole line, however long, is kept and sent on.
        pub fn next_line(&mut self) -> io::Result<Option<Line>> {
            let mut line = Vec::new();
            if self.input.read_until(b'\n', &mut line)? == 0 {
                return Ok(None);
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\n', '\r']);
            Ok(Some(Line::Text(text.to_string())))
        }
    }
}

fn main() -> std::process::ExitCode {
    threaded::run(ServerArgs::parse())
}
