//! Fault: a line over 4,096 bytes gets `ERR line too long`, but the server
//! does not discard the rest of it: the rest is read as further lines, and
//! each gets an answer of its own.
//!
//! replaces: calc-server
//! rejected-by: step5_long_lines_get_one_error_and_the_session_goes_on

use std::io::{BufRead, BufReader, Read, Write};
use std::thread;

use calculator_faults::bind;

fn main() {
    for stream in bind().incoming().flatten() {
        thread::spawn(move || {
            let mut writer = &stream;
            let mut reader = BufReader::new(&stream);
            loop {
                // Reads at most 4,097 bytes of a line, and stops there.
                let mut line = Vec::new();
                match (&mut reader).take(4097).read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
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
            }
        });
    }
}
