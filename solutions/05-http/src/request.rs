//! The request side: reading a request head off the socket, and parsing its
//! first line, `METHOD SP TARGET SP VERSION`.
//!
//! TCP delivers a byte stream, not messages: one `read` returns whatever has
//! arrived so far, which may be half a request line (a slow client, a packet
//! split in two) or the whole head. So the server keeps reading until it has
//! seen the blank line that ends the head, `\r\n\r\n`, and gives up on heads
//! longer than it is willing to hold.

use std::io::{self, ErrorKind, Read};
use std::net::TcpStream;
use std::time::Instant;

use crate::response::Status;

/// The most a request head may take, request line and headers together. A
/// server that buffers whatever it is sent can be made to run out of memory.
pub const MAX_HEAD: usize = 8 * 1024;

/// What came in on a connection before the server answers.
#[derive(Debug, PartialEq, Eq)]
pub enum Head {
    /// The whole head, up to and including the blank line.
    Complete(Vec<u8>),
    /// More than [`MAX_HEAD`] bytes and still no blank line: answer 431.
    TooLarge,
    /// The client closed, or the deadline passed, before the head was
    /// complete: there is nothing to answer.
    Incomplete,
}

/// Reads a request head, looping over reads until the blank line, and never
/// holding more than `MAX_HEAD + 1` bytes. Every read waits only until
/// `deadline`: a total limit, so a client that trickles a byte at a time
/// cannot keep the connection for ever.
pub fn read_head(stream: &mut TcpStream, deadline: Instant) -> io::Result<Head> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(Head::Incomplete);
        }
        stream.set_read_timeout(Some(left))?;
        // Read no further than one byte past the limit: enough to know the
        // head is too large, never more.
        let room = (MAX_HEAD + 1 - head.len()).min(chunk.len());
        let n = match stream.read(&mut chunk[..room]) {
            Ok(0) => return Ok(Head::Incomplete),
            Ok(n) => n,
            Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Ok(Head::Incomplete)
            }
            Err(err) if err.kind() == ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        // The blank line may straddle two reads: look from 3 bytes back.
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(&chunk[..n]);
        if let Some(at) = find(&head[from..], b"\r\n\r\n") {
            let end = from + at + 4;
            if end > MAX_HEAD {
                return Ok(Head::TooLarge);
            }
            // Anything after the blank line (a body) is not ours to read.
            head.truncate(end);
            return Ok(Head::Complete(head));
        }
        if head.len() > MAX_HEAD {
            return Ok(Head::TooLarge);
        }
    }
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The request line, parsed: `GET /about?lang=en HTTP/1.1`.
#[derive(Debug, PartialEq, Eq)]
pub struct Request<'a> {
    /// Case-sensitive: `get` is not `GET`.
    pub method: &'a str,
    /// The path and the query string, as sent: `/about?lang=en`.
    pub target: &'a str,
    /// `(1, 1)` for `HTTP/1.1`.
    pub version: (u8, u8),
}

impl<'a> Request<'a> {
    /// Parses the first line of a complete head. A line that is not three
    /// parts separated by single spaces, a target that does not start with
    /// `/` or a version not of the form `HTTP/<d>.<d>` is a `400 Bad Request`;
    /// a major version other than 1 is a `505 HTTP Version Not Supported`.
    /// The header lines are not parsed: this server needs none of them.
    pub fn parse(head: &'a [u8]) -> Result<Request<'a>, Status> {
        let end = find(head, b"\r\n").ok_or(Status::BAD_REQUEST)?;
        let line = std::str::from_utf8(&head[..end]).map_err(|_| Status::BAD_REQUEST)?;
        let mut parts = line.split(' ');
        let (Some(method), Some(target), Some(version), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Status::BAD_REQUEST);
        };
        if method.is_empty() || !method.bytes().all(is_token_char) || !target.starts_with('/') {
            return Err(Status::BAD_REQUEST);
        }
        let version = parse_version(version).ok_or(Status::BAD_REQUEST)?;
        if version.0 != 1 {
            return Err(Status::HTTP_VERSION_NOT_SUPPORTED);
        }
        Ok(Request {
            method,
            target,
            version,
        })
    }

    /// The path of the target, without the query string: routes look at this.
    pub fn path(&self) -> &'a str {
        match self.target.split_once('?') {
            Some((path, _query)) => path,
            None => self.target,
        }
    }
}

/// `HTTP/1.1` → `(1, 1)`: exactly one digit on each side of the dot.
fn parse_version(version: &str) -> Option<(u8, u8)> {
    match version.strip_prefix("HTTP/")?.as_bytes() {
        [major @ b'0'..=b'9', b'.', minor @ b'0'..=b'9'] => Some((major - b'0', minor - b'0')),
        _ => None,
    }
}

/// The characters a method name may have (RFC 9110's `tchar`).
fn is_token_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_request_line() {
        let request = Request::parse(b"GET /about?lang=en HTTP/1.0\r\nHost: x\r\n\r\n").unwrap();
        assert_eq!(request.method, "GET");
        assert_eq!(request.target, "/about?lang=en");
        assert_eq!(request.path(), "/about");
        assert_eq!(request.version, (1, 0));
    }

    #[test]
    fn rejects_what_is_not_a_request_line() {
        for line in [
            "GET / HTTP/1.1 extra",
            "GET  / HTTP/1.1",
            "GET /",
            "GET about HTTP/1.1",
            "GET / HTTP/1.10",
            "GET / http/1.1",
            "G(T / HTTP/1.1",
            " / HTTP/1.1",
            "",
        ] {
            let head = format!("{line}\r\n\r\n");
            assert_eq!(
                Request::parse(head.as_bytes()),
                Err(Status::BAD_REQUEST),
                "{line:?}"
            );
        }
        assert_eq!(
            Request::parse(b"GET / HTTP/2.0\r\n\r\n"),
            Err(Status::HTTP_VERSION_NOT_SUPPORTED)
        );
    }
}
