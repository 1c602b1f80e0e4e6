//! Reading lines of at most [`MAX_LINE`] bytes from a pipe, whoever writes it.
//!
//! `BufRead::read_line` would keep reading until it finds a `\n`, however far
//! away that is: a writer that never sends one would make us buffer without
//! bound. So the line is read from the buffer in pieces, and a line that grows
//! past the limit is skipped up to its `\n` instead of kept.

use std::io::{self, BufRead};

/// The longest line, not counting its `\n` (or `\r\n`).
pub const MAX_LINE: usize = 4096;

/// What [`read_line`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// A line, without its `\n` or `\r\n` (and maybe not UTF-8: the bytes as sent).
    Text(Vec<u8>),
    /// A line longer than [`MAX_LINE`]: it was read to its end and dropped.
    TooLong,
    /// The writer closed the pipe. A last line without `\n` comes first as `Text`.
    Eof,
}

/// Reads the next line from `input`.
pub fn read_line(input: &mut impl BufRead) -> io::Result<Line> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            return Ok(match (too_long, line.is_empty()) {
                (true, _) => Line::TooLong,
                (false, true) => Line::Eof,
                (false, false) => Line::Text(line),
            });
        }
        let (piece, found_end) = match buffer.iter().position(|&b| b == b'\n') {
            Some(at) => (&buffer[..at], true),
            None => (buffer, false),
        };
        if !too_long {
            line.extend_from_slice(piece);
            // One byte over is allowed for the `\r` of a `\r\n`.
            if line.len() > MAX_LINE + 1
                || (line.len() == MAX_LINE + 1 && line.last() != Some(&b'\r'))
            {
                too_long = true;
                line = Vec::new();
            }
        }
        let used = piece.len() + usize::from(found_end);
        input.consume(used);
        if found_end {
            if too_long {
                return Ok(Line::TooLong);
            }
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            if line.len() > MAX_LINE {
                return Ok(Line::TooLong);
            }
            return Ok(Line::Text(line));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_crlf_long_and_eof() {
        let long = "x".repeat(MAX_LINE + 1);
        let exact = "y".repeat(MAX_LINE);
        let input = format!("a\r\n{long}\n{exact}\r\nlast");
        let mut input = input.as_bytes();
        assert_eq!(read_line(&mut input).unwrap(), Line::Text(b"a".to_vec()));
        assert_eq!(read_line(&mut input).unwrap(), Line::TooLong);
        assert_eq!(
            read_line(&mut input).unwrap(),
            Line::Text(exact.into_bytes())
        );
        assert_eq!(read_line(&mut input).unwrap(), Line::Text(b"last".to_vec()));
        assert_eq!(read_line(&mut input).unwrap(), Line::Eof);
    }
}
