//! Fault: lines are read with `BufRead::lines`, whose error on bytes that are
//! not UTF-8 ends the loop: one bad byte disconnects the client.
//!
//! replaces: chat-server
//! rejected-by: step3_errors_leave_the_connection_usable

use chat::{hub, protocol, ServerArgs};
use clap::Parser;

#[path = "../../../../../solutions/03-chat/src/threaded.rs"]
mod threaded;

mod lines {
    use std::io::{self, BufRead, BufReader, Lines, Read};

    pub use chat::lines::Line;

    pub struct LineReader<R> {
        input: Lines<BufReader<R>>,
    }

    impl<R: Read> LineReader<R> {
        pub fn new(input: R) -> LineReader<R> {
            LineReader {
                input: BufReader::new(input).lines(),
            }
        }

        /// The mistake: `String` lines, whose error on bytes that are not
        /// UTF-8 the caller takes for a broken connection.
        pub fn next_line(&mut self) -> io::Result<Option<Line>> {
            match self.input.next() {
                None => Ok(None),
                Some(line) => Ok(Some(Line::Text(line?.trim_end_matches('\r').to_string()))),
            }
        }
    }
}

fn main() -> std::process::ExitCode {
    threaded::run(ServerArgs::parse())
}
