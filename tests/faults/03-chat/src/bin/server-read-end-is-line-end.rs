//! Fault: each `read` is cut at its `\n`s and what is left at its end is taken
//! for a whole line, so a line that arrives in two reads becomes two messages.
//!
//! replaces: chat-server
//! rejected-by: step1_a_line_split_across_two_reads_is_one_message

use chat::{hub, protocol, ServerArgs};
use clap::Parser;

#[path = "../../../../../solutions/03-chat/src/threaded.rs"]
mod threaded;

mod lines {
    use std::collections::VecDeque;
    use std::io::{self, Read};

    pub use chat::lines::Line;

    pub struct LineReader<R> {
        input: R,
        ready: VecDeque<String>,
    }

    impl<R: Read> LineReader<R> {
        pub fn new(input: R) -> LineReader<R> {
            LineReader {
                input,
                ready: VecDeque::new(),
            }
        }

        /// The mistake: the end of a `read` is taken for the end of a line.
        pub fn next_line(&mut self) -> io::Result<Option<Line>> {
            let mut buffer = [0u8; 4096];
            while self.ready.is_empty() {
                let n = self.input.read(&mut buffer)?;
                if n == 0 {
                    return Ok(None);
                }
                let text = String::from_utf8_lossy(&buffer[..n]);
                let lines = text.split_terminator('\n');
                self.ready
                    .extend(lines.map(|line| line.trim_end_matches('\r').to_string()));
            }
            Ok(self.ready.pop_front().map(Line::Text))
        }
    }
}

fn main() -> std::process::ExitCode {
    threaded::run(ServerArgs::parse())
}
