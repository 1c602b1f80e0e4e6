//! Fault: the coordinator writes every task to its workers first, and only
//! then reads their answers. With 200,000 small tasks a worker's stdout pipe
//! fills with answers nobody reads, the worker blocks writing and stops
//! reading, its stdin pipe fills, and the coordinator blocks writing: the
//! pipe deadlock.
//!
//! replaces: pi-coordinator
//! rejected-by: step3_200000_tasks_through_2_workers_finish
//! within-s: 5

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, ExitCode, Stdio};

use clap::Parser;
use pipes::protocol::{parse_answer, tasks};
use pipes::CoordinatorArgs;

fn main() -> ExitCode {
    let args = CoordinatorArgs::parse();
    let mut children = Vec::new();
    for _ in 0..args.workers {
        let child = Command::new(args.worker_path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start a worker");
        children.push(child);
    }
    let n = children.len();
    // The mistake: every task written before any answer is read.
    for (i, task) in tasks(args.samples, args.chunk, args.seed)
        .iter()
        .enumerate()
    {
        let stdin = children[i % n].stdin.as_mut().unwrap();
        writeln!(stdin, "{task}").expect("write a task");
    }
    let mut inside = 0;
    for child in &mut children {
        drop(child.stdin.take());
        for line in BufReader::new(child.stdout.take().unwrap()).lines() {
            inside += parse_answer(&line.expect("read an answer")).map_or(0, |a| a.inside);
        }
        let _ = child.wait();
    }
    let pi = 4.0 * inside as f64 / args.samples as f64;
    println!(
        "pi={pi:.6} inside={inside} samples={} workers={}",
        args.samples, args.workers
    );
    ExitCode::SUCCESS
}
