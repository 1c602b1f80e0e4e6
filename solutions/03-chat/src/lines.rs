//! Reading a line protocol from a byte stream, with a bound on the line length.
//!
//! TCP delivers a stream of bytes, not messages: one `read` may return half a
//! line, or three lines and a half. So we keep reading into a buffer until a
//! `\n` comes, and only then is there a line. `BufRead::read_line` does that,
//! but it buffers without bound (a client sending 1 GiB with no `\n` would get
//! the server to hold 1 GiB), and it fails on bytes that are not UTF-8. This
//! reader stops keeping bytes past [`MAX_LINE`], and reports both cases as
//! lines of their own kind, so that the server can answer them and go on.

use std::io::{self, BufRead, BufReader, Read};

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader as AsyncBufReader};

use crate::protocol::MAX_LINE;

/// What came in: a line of text, or one the protocol refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A line without its `\n` (or `\r\n`).
    Text(String),
    /// A line longer than [`MAX_LINE`] bytes; its bytes were discarded.
    TooLong,
    /// A line that is not UTF-8.
    NotUtf8,
}

/// Reads [`Line`]s from a byte stream (a blocking one: a thread per client).
pub struct LineReader<R> {
    input: BufReader<R>,
    partial: Partial,
}

impl<R: Read> LineReader<R> {
    pub fn new(input: R) -> LineReader<R> {
        LineReader {
            input: BufReader::new(input),
            partial: Partial::default(),
        }
    }

    /// The next line; `None` at the end of the stream. A last line that has
    /// no `\n` is dropped: its sender vanished mid-message.
    pub fn next_line(&mut self) -> io::Result<Option<Line>> {
        loop {
            let buffer = self.input.fill_buf()?;
            if buffer.is_empty() {
                return Ok(None);
            }
            let (used, line) = self.partial.take(buffer);
            self.input.consume(used);
            if line.is_some() {
                return Ok(line);
            }
        }
    }
}

/// The same reader for tokio (a task per client): the same loop, where each
/// `fill_buf` is an `.await` that gives the thread back to the runtime until
/// the socket has bytes.
pub struct AsyncLineReader<R> {
    input: AsyncBufReader<R>,
    partial: Partial,
}

impl<R: AsyncRead + Unpin> AsyncLineReader<R> {
    pub fn new(input: R) -> AsyncLineReader<R> {
        AsyncLineReader {
            input: AsyncBufReader::new(input),
            partial: Partial::default(),
        }
    }

    /// The next line; `None` at the end of the stream.
    pub async fn next_line(&mut self) -> io::Result<Option<Line>> {
        loop {
            let buffer = self.input.fill_buf().await?;
            if buffer.is_empty() {
                return Ok(None);
            }
            let (used, line) = self.partial.take(buffer);
            self.input.consume(used);
            if line.is_some() {
                return Ok(line);
            }
        }
    }
}

/// The line being read, as far as it came: at most [`MAX_LINE`] bytes of it
/// are kept, however long it grows.
#[derive(Default)]
struct Partial {
    line: Vec<u8>,
    too_long: bool,
}

impl Partial {
    /// Takes the bytes of `buffer` up to its first `\n` (all of them if it
    /// has none): how many it used, and the line if that `\n` ended it.
    fn take(&mut self, buffer: &[u8]) -> (usize, Option<Line>) {
        let (chunk, used, complete) = match buffer.iter().position(|&b| b == b'\n') {
            Some(end) => (&buffer[..end], end + 1, true),
            None => (buffer, buffer.len(), false),
        };
        if !self.too_long {
            self.line.extend_from_slice(chunk);
            // One byte of slack for the `\r` of a `\r\n`.
            if self.line.len() > MAX_LINE + 1 {
                self.too_long = true;
                self.line = Vec::new();
            }
        }
        if !complete {
            return (used, None);
        }
        let mut line = std::mem::take(&mut self.line);
        let too_long = std::mem::take(&mut self.too_long);
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        if too_long || line.len() > MAX_LINE {
            return (used, Some(Line::TooLong));
        }
        let line = match String::from_utf8(line) {
            Ok(text) => Line::Text(text),
            Err(_) => Line::NotUtf8,
        };
        (used, Some(line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8]) -> Vec<Line> {
        let mut reader = LineReader::new(input);
        std::iter::from_fn(|| reader.next_line().unwrap()).collect()
    }

    #[test]
    fn splits_lines_and_drops_the_carriage_return() {
        let text = |s: &str| Line::Text(s.to_string());
        assert_eq!(
            lines(b"a\r\n\nb c\nhalf"),
            [text("a"), text(""), text("b c")]
        );
    }

    #[test]
    fn a_line_of_max_line_bytes_is_kept_one_more_is_refused() {
        let mut input = vec![b'x'; MAX_LINE];
        input.extend_from_slice(b"\r\n");
        input.extend(vec![b'y'; MAX_LINE + 1]);
        input.extend_from_slice(b"\nnext\n\xff\n");
        let got = lines(&input);
        assert_eq!(got[0], Line::Text("x".repeat(MAX_LINE)));
        assert_eq!(
            got[1..],
            [Line::TooLong, Line::Text("next".into()), Line::NotUtf8]
        );
    }

    #[test]
    fn a_huge_line_is_not_kept() {
        let mut input = vec![b'z'; 1 << 20];
        input.push(b'\n');
        assert_eq!(lines(&input), [Line::TooLong]);
    }
}
