//! Fault: each `read` is taken for one message, so three lines that arrive
//! together become one message with `\n`s inside.
//!
//! replaces: chat-server
//! rejected-by: step1_lines_sent_together_are_separate_messages

use chat::{hub, protocol, ServerArgs};
use clap::Parser;

#[path = "../../../../../solutions/03-chat/src/threaded.rs"]
mod threaded;

mod lines {
    use std::io::{self, Read};

    pub use chat::lines::Line;

    pub struct LineReader<R> {
        input: R,
    }

    impl<R: Read> LineReader<R> {
        pub fn new(input: R) -> LineReader<R> {
            LineReader { input }
        }

        /// The mistake: one `read`, one message.
        pub fn next_line(&mut self) -> io::Result<Option<Line>> {
            let mut buffer = [0u8; 4096];
            let n = self.input.read(&mut buffer)?;
            if n == 0 {
                return Ok(None);
            }
            let text = String::from_utf8_lossy(&buffer[..n]);
            let text = text.strip_suffix('\n').unwrap_or(&text);
            Ok(Some(Line::Text(text.trim_end_matches('\r').to_string())))
        }
    }
}

fn main() -> std::process::ExitCode {
    threaded::run(ServerArgs::parse())
}
