//! Fault: the worker splits a task on whitespace and uses `str::parse`, so
//! `+1 2 3`, `1  2 3` and ` 1 2 3` pass for tasks: a task is exactly three
//! plain decimal numbers separated by single spaces.
//!
//! replaces: pi-worker
//! rejected-by: step1_worker_answers_bad_lines_with_err_and_goes_on

use std::io::{self, BufRead, Write};

use pipes::splitmix::count_inside;

fn main() {
    let mut out = io::stdout();
    for line in io::stdin().lock().lines() {
        let line = line.expect("read stdin");
        let numbers: Vec<u64> = line
            .split_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect();
        let reply = match (numbers.len(), line.split_whitespace().count()) {
            (3, 3) => format!(
                "{} {} {}",
                numbers[0],
                count_inside(numbers[1], numbers[2]),
                numbers[2]
            ),
            _ => format!("ERR bad task: {line}"),
        };
        let _ = writeln!(out, "{reply}");
    }
}
