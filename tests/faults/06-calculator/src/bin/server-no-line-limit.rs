//! Fault: lines of any length are read whole (`read_line` into a `String`)
//! and evaluated: no `ERR line too long`, and a client can make the server
//! buffer without bound.
//!
//! replaces: calc-server
//! rejected-by: step5_long_lines_get_one_error_and_the_session_goes_on

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
                let reply = calculator::answer(text.strip_suffix(b"\r").unwrap_or(text));
                if writeln!(writer, "{reply}").is_err() {
                    break;
                }
                line.clear();
            }
        });
    }
}
