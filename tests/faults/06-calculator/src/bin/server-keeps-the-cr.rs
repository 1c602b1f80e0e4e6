//! Fault: the server strips the `\n` but not a `\r` before it, so a line from
//! `nc -C` or telnet (`12\r\n`) ends in a stray character:
//! `ERR unexpected \r at column 3` instead of `12`.
//!
//! replaces: calc-server
//! rejected-by: step1_server_answers_a_number_on_each_line

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
                let reply = calculator::answer(line.strip_suffix(b"\n").unwrap_or(&line));
                if writeln!(writer, "{reply}").is_err() {
                    break;
                }
                line.clear();
            }
        });
    }
}
