//! Fault: one `read` is taken for one line. TCP is a byte stream: several
//! pipelined lines arrive in one read (and one line can take several), so
//! `1\n2\n3\n` is evaluated as one expression.
//!
//! replaces: calc-server
//! rejected-by: step1_pipelined_10000_lines_are_answered_in_order

use std::io::{Read, Write};
use std::thread;

use calculator_faults::bind;

fn main() {
    for mut stream in bind().incoming().flatten() {
        thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = stream.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                let line = buffer[..n].strip_suffix(b"\n").unwrap_or(&buffer[..n]);
                let reply = calculator::answer(line.strip_suffix(b"\r").unwrap_or(line));
                if writeln!(stream, "{reply}").is_err() {
                    break;
                }
            }
        });
    }
}
