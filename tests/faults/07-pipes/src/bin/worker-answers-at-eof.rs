//! Fault: the worker reads its whole stdin first (`read_to_end`), then
//! answers every line. A coordinator that waits for an answer before sending
//! more never gets one: the worker waits for EOF, the coordinator for the answer.
//!
//! replaces: pi-worker
//! rejected-by: step1_worker_answers_while_stdin_is_open

use std::io::{self, Read, Write};

use pipes::lines::{read_line, Line};
use pipes::worker::reply;

fn main() {
    let mut input = Vec::new();
    io::stdin().read_to_end(&mut input).expect("read stdin");
    let mut input = &input[..];
    let mut out = io::stdout().lock();
    while let Ok(line) = read_line(&mut input) {
        if line == Line::Eof {
            break;
        }
        let _ = writeln!(out, "{}", reply(&line));
    }
}
