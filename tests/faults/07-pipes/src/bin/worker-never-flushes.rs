//! Fault: the worker writes its answers into a `BufWriter` and never flushes
//! it while it reads on: an answer sits in the buffer (8 KiB) while the
//! worker blocks waiting for the next task, which the coordinator sends only
//! once it has that answer. Only EOF would flush it.
//!
//! replaces: pi-worker
//! rejected-by: step1_worker_answers_while_stdin_is_open

use std::io::{self, BufReader, BufWriter, Write};

use pipes::lines::{read_line, Line};
use pipes::worker::reply;

fn main() {
    let mut input = BufReader::new(io::stdin().lock());
    let mut output = BufWriter::new(io::stdout().lock());
    loop {
        // The mistake: no flush before a read that may block.
        let line = read_line(&mut input).expect("read stdin");
        if line == Line::Eof {
            break;
        }
        let _ = writeln!(output, "{}", reply(&line));
    }
    let _ = output.flush();
}
