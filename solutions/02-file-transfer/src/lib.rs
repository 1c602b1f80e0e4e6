//! Exercise 02, file-transfer: the two programs' work, which their `main`s
//! run, and which the faults (tests/faults/02-file-transfer) reuse for all
//! but their one mistake.
//!
//! - [`server`]: one upload per connection, into a temporary file renamed
//!   when complete; [`client`]: one upload, then the server's verdict;
//! - [`ServerArgs`] and [`ClientArgs`]: the command lines;
//! - [`read_line`]: one header line, read from a byte stream with a cap;
//! - [`check_name`] and [`parse_size`]: what the header may hold.
//!
//! The protocol, one upload per connection:
//!
//! ```text
//! client → server:  <file name>\n<size in bytes, decimal>\n<exactly size bytes>, then EOF
//! server → client:  OK <size>\n   or   ERR <reason>\n
//! ```

use std::io::{self, BufRead, Read};
use std::path::PathBuf;

use clap::Parser;

pub mod client;
pub mod server;

/// The longest header line, not counting its `\n` (the kit-wide cap).
pub const MAX_LINE: usize = 4096;

/// The longest file name, in bytes: what Linux and most file systems allow for
/// one path component.
pub const MAX_NAME: usize = 255;

/// How much of a file is in memory at a time, on either side: the body goes
/// through a buffer of this size, whatever the size of the file.
pub const CHUNK: usize = 64 * 1024;

/// Receives uploaded files into a directory.
#[derive(Parser, Debug)]
#[command(version)]
pub struct ServerArgs {
    /// The directory that receives the files.
    #[arg(long)]
    pub dir: PathBuf,
    /// The address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// The port to bind; 0 lets the OS pick a free one.
    #[arg(long, default_value_t = 9000)]
    pub port: u16,
}

/// Uploads one file to a file-server.
#[derive(Parser, Debug)]
#[command(version)]
pub struct ClientArgs {
    /// The server, as host:port.
    #[arg(long)]
    pub server: String,
    /// The file to upload.
    pub file: PathBuf,
    /// The name to store it under (default: the file's base name).
    #[arg(long)]
    pub name: Option<String>,
}

/// What [`read_line`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// A whole line, without its `\n` (and without a `\r` before it).
    Complete(Vec<u8>),
    /// More than `cap` bytes came without a `\n`.
    TooLong,
    /// The stream ended before a `\n`.
    Eof,
}

/// Reads one line of at most `cap` bytes (not counting the `\n` or `\r\n`).
///
/// TCP is a byte stream: a line may arrive in many reads, or share a read with
/// what follows it. A `BufReader` keeps what follows for the next call, and
/// `take` stops it from buffering without bound when no `\n` ever comes.
pub fn read_line(reader: &mut impl BufRead, cap: usize) -> io::Result<Line> {
    let mut line = Vec::new();
    // cap + 2 leaves room for the `\r\n`: one byte more means the line is too long.
    reader
        .by_ref()
        .take(cap as u64 + 2)
        .read_until(b'\n', &mut line)?;
    if line.last() != Some(&b'\n') {
        return Ok(if line.len() > cap {
            Line::TooLong
        } else {
            Line::Eof
        });
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(if line.len() > cap {
        Line::TooLong
    } else {
        Line::Complete(line)
    })
}

/// Checks a client-supplied file name: it becomes a path on the server, so
/// it must name a file in the upload directory and nothing else.
///
/// A `/` or `\` would reach another directory (`../x`, `/etc/passwd`); `.` and
/// `..` are directories; control characters (NUL above all, which ends a C
/// string) have no place in a name. The length is the file system's limit.
pub fn check_name(name: &str) -> bool {
    (1..=MAX_NAME).contains(&name.len())
        && name != "."
        && name != ".."
        && !name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
}

/// Parses the size line: 1 to 20 ASCII digits that fit a `u64`. No sign, no
/// spaces: `str::parse` alone would take `+5`.
pub fn parse_size(line: &[u8]) -> Option<u64> {
    if line.is_empty() || line.len() > 20 || !line.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(line).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_stay_in_the_directory() {
        for good in [
            "data.bin",
            "a",
            "é.txt",
            "with space",
            ".hidden",
            "...",
            &"x".repeat(255),
        ] {
            assert!(check_name(good), "{good:?} should be accepted");
        }
        for bad in [
            "",
            ".",
            "..",
            "../x",
            "/etc/passwd",
            "a/b",
            "a\\b",
            "a\0b",
            "a\nb",
            &"x".repeat(256),
        ] {
            assert!(!check_name(bad), "{bad:?} should be refused");
        }
    }

    #[test]
    fn sizes_are_plain_digits() {
        assert_eq!(parse_size(b"0"), Some(0));
        assert_eq!(parse_size(b"18446744073709551615"), Some(u64::MAX));
        for bad in [
            &b""[..],
            b"+5",
            b"-5",
            b" 5",
            b"5 ",
            b"abc",
            b"18446744073709551616",
            b"000000000000000000001",
        ] {
            assert_eq!(parse_size(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn lines_are_capped_and_may_end_in_crlf() {
        let mut input = &b"name\r\n12\nrest"[..];
        assert_eq!(
            read_line(&mut input, 8).unwrap(),
            Line::Complete(b"name".to_vec())
        );
        assert_eq!(
            read_line(&mut input, 8).unwrap(),
            Line::Complete(b"12".to_vec())
        );
        assert_eq!(read_line(&mut input, 8).unwrap(), Line::Eof);
        let long = [b'a'; 10];
        assert_eq!(read_line(&mut &long[..], 8).unwrap(), Line::TooLong);
        assert_eq!(
            read_line(&mut &b"12345678\n"[..], 8).unwrap(),
            Line::Complete(b"12345678".to_vec())
        );
        assert_eq!(
            read_line(&mut &b"123456789\n"[..], 8).unwrap(),
            Line::TooLong
        );
    }
}
