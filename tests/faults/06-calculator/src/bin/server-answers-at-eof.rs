//! Fault: the server reads the client's whole input first (`read_to_end`),
//! then answers every line. A client that waits for each answer before
//! sending the next line waits for ever: no pipelining, no conversation.
//!
//! replaces: calc-server
//! rejected-by: step1_pipelined_10000_lines_are_answered_in_order

use std::io::{Read, Write};
use std::thread;

use calculator_faults::bind;

fn main() {
    for mut stream in bind().incoming().flatten() {
        thread::spawn(move || {
            let mut input = Vec::new();
            let _ = stream.read_to_end(&mut input);
            let mut replies = String::new();
            for line in input.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                replies.push_str(&calculator::answer(
                    line.strip_suffix(b"\r").unwrap_or(line),
                ));
                replies.push('\n');
            }
            let _ = stream.write_all(replies.as_bytes());
        });
    }
}
