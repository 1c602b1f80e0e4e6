//! Fault: the worker reads lines of any length (`BufRead::lines`), so a
//! 5,000-byte line gets `ERR bad task: …` instead of `ERR line too long`, and
//! a line without end would grow the worker's memory without bound.
//!
//! replaces: pi-worker
//! rejected-by: step1_worker_answers_bad_lines_with_err_and_goes_on

use std::io::{self, BufRead, Write};

use pipes::lines::Line;
use pipes::worker::reply;

fn main() {
    let mut out = io::stdout();
    for line in io::stdin().lock().lines() {
        let line = line.expect("read stdin");
        let line = line.strip_suffix('\r').unwrap_or(&line);
        let _ = writeln!(out, "{}", reply(&Line::Text(line.as_bytes().to_vec())));
    }
}
