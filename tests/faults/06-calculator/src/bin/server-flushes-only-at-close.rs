//! Fault: the answers go through a `BufWriter` that is never flushed until
//! the connection ends (or its 8 KiB buffer fills): a client waiting for its
//! answer gets nothing.
//!
//! replaces: calc-server
//! rejected-by: step1_each_answer_is_sent_at_once

use std::io::{BufReader, BufWriter, Write};
use std::thread;

use calculator::lines::{read_line, Line};
use calculator_faults::bind;

fn main() {
    for stream in bind().incoming().flatten() {
        thread::spawn(move || {
            let mut reader = BufReader::new(&stream);
            let mut writer = BufWriter::new(&stream);
            let mut line = Vec::new();
            while let Ok(found) = read_line(&mut reader, &mut line) {
                let reply = match found {
                    Line::Text => calculator::answer(&line),
                    Line::TooLong => "ERR line too long".to_string(),
                    Line::End => break,
                };
                if writeln!(writer, "{reply}").is_err() {
                    break;
                }
            }
        });
    }
}
