//! Fault: each line is read whole (`read_until` with no bound) and only then
//! checked against the 4096-byte limit: every reply is right, but one long
//! line takes as much memory as it is long.
//!
//! replaces: chat-server
//! rejected-by: step3_a_long_line_never_sits_in_memory

use chat::{hub, protocol, ServerArgs};
use clap::Parser;

#[path = "../../../../../solutions/03-chat/src/threaded.rs"]
mod threaded;

mod lines {
    use std::io::{self, BufRead, BufReader, Read};

    pub use chat::lines::Line;

    use chat::protocol::MAX_LINE;

    pub struct LineReader<R> {
        input: BufReader<R>,
    }

    impl<R: Read> LineReader<R> {
        pub fn new(input: R) -> LineReader<R> {
            LineReader {
                input: BufReader::new(input),
            }
        }

        /// The mistake: the line is read whole, and only then checked.
        pub fn next_line(&mut self) -> io::Result<Option<Line>> {
            let mut line = Vec::new();
            if self.input.read_until(b'\n', &mut line)? == 0 {
                return Ok(None);
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\n', '\r']);
            if text.len() > MAX_LINE {
                return Ok(Some(Line::TooLong));
            }
            Ok(Some(Line::Text(text.to_string())))
        }
    }
}

fn main() -> std::process::ExitCode {
    threaded::run(ServerArgs::parse())
}
