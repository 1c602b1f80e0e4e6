//! Reading lines from a stranger, with a cap on their length.
//!
//! `BufRead::read_line` would buffer a line of any length: a client that sends
//! gigabytes without a `\n` would take all the server's memory. And `lines()`
//! gives up on the first line that is not UTF-8, ending the session. So the
//! server reads bytes, keeps at most [`MAX_LINE`] of them, and lets the caller
//! decide what a bad line means.

use std::io::{self, BufRead};

/// The longest line, in bytes, not counting its `\n` or `\r\n`.
pub const MAX_LINE: usize = 4096;

/// What [`read_line`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// A line, now in the buffer, without its `\n` or `\r\n`.
    Text,
    /// A line longer than [`MAX_LINE`]: it was discarded up to and including
    /// its `\n`, and the buffer is empty.
    TooLong,
    /// The peer closed the connection, and no bytes were left.
    End,
}

/// Reads the next line into `line`, never holding more than [`MAX_LINE`]
/// bytes of it (plus one, for a `\r` before the `\n`). A last line without a
/// `\n` still counts as a line.
pub fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<Line> {
    line.clear();
    let mut too_long = false;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(match (too_long, line.is_empty()) {
                (true, _) => Line::TooLong,
                (false, true) => Line::End,
                (false, false) => finish(line),
            });
        }
        let newline = available.iter().position(|&b| b == b'\n');
        let chunk = &available[..newline.unwrap_or(available.len())];
        if !too_long {
            if line.len() + chunk.len() > MAX_LINE + 1 {
                // Over the cap: forget it, and skip everything up to the `\n`.
                too_long = true;
                line.clear();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        let used = chunk.len() + usize::from(newline.is_some());
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

/// Drops a `\r` before the `\n`, then checks the length.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_skipped_whole() {
        let mut input = vec![b'7'; MAX_LINE];
        input.extend_from_slice(b"\r\n");
        input.extend(vec![b'x'; 3 * MAX_LINE]);
        input.extend_from_slice(b"\n1+1");
        let mut reader = io::BufReader::with_capacity(100, input.as_slice());
        let mut line = Vec::new();
        assert_eq!(read_line(&mut reader, &mut line).unwrap(), Line::Text);
        assert_eq!(line.len(), MAX_LINE);
        assert_eq!(read_line(&mut reader, &mut line).unwrap(), Line::TooLong);
        assert_eq!(read_line(&mut reader, &mut line).unwrap(), Line::Text);
        assert_eq!(line, b"1+1");
        assert_eq!(read_line(&mut reader, &mut line).unwrap(), Line::End);
    }
}
