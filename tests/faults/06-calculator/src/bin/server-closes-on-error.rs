//! Fault: after an error reply the server closes the connection, as if a bad
//! line ended the session. The next good expression never gets an answer.
//!
//! replaces: calc-server
//! rejected-by: step5_each_error_is_followed_by_a_good_answer

use std::io::{BufRead, BufReader, Write};
use std::thread;

use calculator_faults::bind;

fn main() {
    for stream in bind().incoming().flatten() {
        thread::spawn(move || {
            let mut writer = &stream;
            let mut line = Vec::new();
            let mut reader = BufReader::new(&stream);
            while reader.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
                let text = line.strip_suffix(b"\n").unwrap_or(&line);
                let reply = calculator::answer(text.strip_suffix(b"\r").unwrap_or(text));
                let _ = writeln!(writer, "{reply}");
                if reply.starts_with("ERR") {
                    return;
                }
                line.clear();
            }
        });
    }
}
