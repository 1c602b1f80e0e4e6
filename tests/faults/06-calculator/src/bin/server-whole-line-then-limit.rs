//! Fault: each line is read whole (`read_until` with no bound) and only then
//! checked against the 4,096-byte limit: every reply is right, but one long
//! line takes as much memory as it is long.
//!
//! replaces: calc-server
//! rejected-by: step5_a_long_line_never_sits_in_memory

use std::io::{BufRead, BufReader, Write};
use std::thread;

use calculator_faults::bind;

fn main() {
    for stream in bind().incoming().flatten() {
        thread::spawn(move || {
            let mut writer = &stream;
            let mut reader = BufReader::new(&stream);
            let mut line = Vec::new();
            while reader.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
                let text = line.strip_suffix(b"\n").unwrap_or(&line);
                let text = text.strip_suffix(b"\r").unwrap_or(text);
                let reply = if text.len() > 4096 {
                    "ERR line too long".to_string()
                } else {
                    calculator::answer(text)
                };
                if writeln!(writer, "{reply}").is_err() {
                    break;
                }
                line.clear();
            }
        });
    }
}
