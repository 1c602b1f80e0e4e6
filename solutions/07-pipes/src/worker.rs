//! The worker's side of the pipes: read a task line, compute, write the
//! answer line, and flush at the right time.
//!
//! Output to a pipe is buffered (a `BufWriter`, like Python's stdout when it
//! is not a terminal): writing every answer with its own system call is slow,
//! but an answer that sits in the buffer while the worker waits for the next
//! task never reaches the coordinator, which may be waiting for exactly that
//! answer before it sends the next task. Both wait for ever. So the worker
//! flushes whenever it has no more input waiting: when its input buffer is
//! empty, the next read may block, and everything computed so far goes out
//! first.

use std::io::{self, BufReader, BufWriter, Read, Write};

use crate::lines::{read_line, Line};
use crate::protocol::{parse_task, Answer};
use crate::splitmix::count_inside;

/// The reply to one line of input.
pub fn reply(line: &Line) -> String {
    match line {
        Line::Text(bytes) => {
            let text = String::from_utf8_lossy(bytes);
            match parse_task(&text) {
                Some(task) => Answer {
                    id: task.id,
                    inside: count_inside(task.seed, task.samples),
                    samples: task.samples,
                }
                .to_string(),
                None => format!("ERR bad task: {text}"),
            }
        }
        Line::TooLong => "ERR line too long".to_string(),
        Line::Eof => unreachable!("no reply at EOF"),
    }
}

/// Answers every task of `input` on `output`, in order, until EOF.
pub fn serve(input: impl Read, output: impl Write) -> io::Result<()> {
    let mut input = BufReader::new(input);
    let mut output = BufWriter::new(output);
    loop {
        // Nothing left in the buffer: the next read may block, so whatever we
        // have answered must be on its way first.
        if input.buffer().is_empty() {
            output.flush()?;
        }
        let line = read_line(&mut input)?;
        if line == Line::Eof {
            return output.flush();
        }
        writeln!(output, "{}", reply(&line))?;
    }
}
