//! Requests are lines, and TCP knows nothing of lines: one `read` may return
//! half a request, or three. So the server reads into a buffer and cuts it at
//! each `\n`, never keeping more than [`MAX_LINE`] bytes of one line (a client
//! that never sends a `\n` must not fill the server's memory).

use std::io::{self, BufRead};

/// The longest request, in bytes, not counting its `\n` or `\r\n`.
pub const MAX_LINE: usize = 4096;

/// What [`read_line`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// A line, now in the buffer, without its `\n` or `\r\n`.
    Text,
    /// A line longer than [`MAX_LINE`]: skipped up to and including its `\n`.
    TooLong,
    /// The client closed the connection and nothing was left.
    End,
}

/// Reads the next line into `line`, holding at most [`MAX_LINE`] + 1 bytes of
/// it (the `+ 1` for a `\r` before the `\n`). A last line without its `\n`
/// still counts.
pub fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<Line> {
    line.clear();
    let mut too_long = false;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(if too_long {
                Line::TooLong
            } else if line.is_empty() {
                Line::End
            } else {
                finish(line)
            });
        }
        let newline = available.iter().position(|&b| b == b'\n');
        let piece = &available[..newline.unwrap_or(available.len())];
        if !too_long && line.len() + piece.len() > MAX_LINE + 1 {
            too_long = true;
            line.clear();
        }
        if !too_long {
            line.extend_from_slice(piece);
        }
        let used = piece.len() + usize::from(newline.is_some());
        reader.consume(used);
        if newline.is_some() {
            return Ok(if too_long {
                Line::TooLong
            } else {
                finish(line)
            });
        }
    }
}

/// Drops the `\r` of a `\r\n`, then checks the length.
fn finish(line: &mut Vec<u8>) -> Line {
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    if line.len() > MAX_LINE {
        line.clear();
        Line::TooLong
    } else {
        Line::Text
    }
}
