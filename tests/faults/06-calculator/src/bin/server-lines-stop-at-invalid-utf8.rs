//! Fault: the server reads with `BufRead::lines()`, which fails on a line
//! that is not UTF-8; the loop takes the error for the end, and the session
//! is over instead of answering `ERR invalid utf-8`.
//!
//! replaces: calc-server
//! rejected-by: step5_invalid_utf8_is_an_error

use std::io::{BufRead, BufReader, Write};
use std::thread;

use calculator_faults::bind;

fn main() {
    for stream in bind().incoming().flatten() {
        thread::spawn(move || {
            let mut writer = &stream;
            for line in BufReader::new(&stream).lines() {
                let Ok(line) = line else { break };
                let reply = calculator::answer(line.trim_end_matches('\r').as_bytes());
                if writeln!(writer, "{reply}").is_err() {
                    break;
                }
            }
        });
    }
}
