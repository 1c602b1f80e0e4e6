//! Fault: the worker checks a line's length before it drops the `\r` of a
//! `\r\n`: a line of 4096 bytes that ends in `\r\n` gets `ERR line too
//! long`, though the limit does not count the line end.
//!
//! replaces: pi-worker
//! rejected-by: step1_a_line_of_4096_bytes_is_not_too_long

use std::io::{self, BufRead, BufWriter, Write};

use pipes::lines::{Line, MAX_LINE};
use pipes::worker::reply;

fn main() {
    let mut input = io::stdin().lock();
    let mut output = BufWriter::new(io::stdout().lock());
    let mut line = Vec::new();
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        // The mistake: the `\r` is still there when the length is checked.
        let answer = if line.len() > MAX_LINE {
            reply(&Line::TooLong)
        } else {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            reply(&Line::Text(line.clone()))
        };
        let _ = writeln!(output, "{answer}");
        let _ = output.flush();
    }
}
