//! The book on disk: an append-only log, replayed at start-up.
//!
//! ```text
//! ipc-kit address-book 1
//! 18 94e7eca6 add:bob,tel:+41 44
//! 7 4a1c43fe rem:bob
//! ```
//!
//! After the header line, one record per change: the length of its payload in
//! bytes, the CRC-32 of the payload in hex, and the payload, which is the
//! request itself (`add:NAME,ENTRY` or `rem:NAME`). A change is *appended*, so
//! a crash while writing can only ever cut the *last* record; the length and
//! checksum tell a cut record from a whole one. At load:
//!
//! - a missing or empty file is an empty book;
//! - a last record that is cut, or whose checksum is wrong, is what a crash in
//!   the middle of an append leaves: it was never answered, and is dropped;
//! - anything else that is wrong (no header, a bad record with good ones
//!   after it) is damage no crash of ours makes: the server refuses to start
//!   and leaves the file as it is, for a human to look at.
//!
//! A torn last record is cut off the file at start-up, before anything is
//! appended: a record appended after torn bytes would be glued to them. And
//! when the log has grown well beyond the book (many changes to few names),
//! it is rewritten as a snapshot (one `add` per entry) the atomic way: write
//! a temporary file, fsync it, rename it over the book, fsync the directory.
//! A crash at any moment of that leaves either the old file or the new one
//! under the book's name, never a mix. A new book is created the same way.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::book::Book;
use crate::protocol::{parse, Request};

/// The first line of every book file.
pub const HEADER: &str = "ipc-kit address-book 1";

/// The record of a change, with its `\n`. Only `add` and `rem` have one.
pub fn record(change: &Request) -> Vec<u8> {
    let payload = match change {
        Request::Add { name, entry } => format!("add:{name},{entry}"),
        Request::Remove { name } => format!("rem:{name}"),
        Request::Find { .. } | Request::List => unreachable!("a read is never logged"),
    };
    format!(
        "{} {:08x} {payload}\n",
        payload.len(),
        crc32(payload.as_bytes())
    )
    .into_bytes()
}

/// The whole book as a file: the header, then one `add` per entry.
pub fn snapshot(book: &Book) -> Vec<u8> {
    let mut bytes = format!("{HEADER}\n").into_bytes();
    for (name, entry) in book.entries() {
        bytes.extend(record(&Request::Add {
            name: name.clone(),
            entry: entry.clone(),
        }));
    }
    bytes
}

/// A log, replayed.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The book it holds.
    pub book: Book,
    /// How many records it holds (whole ones).
    pub records: usize,
    /// The length of the file up to the end of its last whole record: shorter
    /// than the file when a torn record follows.
    pub whole: u64,
    /// The length of the file (0 when there is none).
    pub len: u64,
}

/// Loads the book at `path`. The error says what is wrong, for `error: …`.
pub fn load(path: &Path) -> Result<Book, String> {
    load_log(path).map(|log| log.book)
}

/// Loads the log at `path`, saying where its whole records end.
pub fn load_log(path: &Path) -> Result<Loaded, String> {
    match fs::read(path) {
        Ok(bytes) => replay(&bytes),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(Loaded::default()),
        Err(err) => Err(format!("cannot read {}: {err}", path.display())),
    }
}

/// Replays a log: the header, then every record in order, a torn last one
/// dropped.
pub fn replay(bytes: &[u8]) -> Result<Loaded, String> {
    let mut log = Loaded {
        len: bytes.len() as u64,
        ..Loaded::default()
    };
    if bytes.is_empty() {
        return Ok(log);
    }
    let header = format!("{HEADER}\n");
    let Some(mut rest) = bytes.strip_prefix(header.as_bytes()) else {
        return Err(format!(
            "the first line is not `{HEADER}`: not an address book"
        ));
    };
    log.whole = header.len() as u64;
    while !rest.is_empty() {
        let Some(end) = rest.iter().position(|&b| b == b'\n') else {
            break; // cut before its `\n`: torn
        };
        let line = &rest[..end];
        rest = &rest[end + 1..];
        match decode(line) {
            Some(change) => {
                log.book.apply(&change);
                log.records += 1;
                log.whole += end as u64 + 1;
            }
            None if rest.is_empty() => break, // the last record, damaged: torn
            None => {
                return Err(format!(
                    "record {} is damaged and more records follow it: that is not a \
                     record cut by a crash",
                    log.records + 1
                ))
            }
        }
    }
    Ok(log)
}

/// One record line (without its `\n`) back to its change, if it is whole.
fn decode(line: &[u8]) -> Option<Request> {
    let text = std::str::from_utf8(line).ok()?;
    let (length, rest) = text.split_once(' ')?;
    let (checksum, payload) = rest.split_once(' ')?;
    let whole = length.parse::<usize>().ok()? == payload.len()
        && u32::from_str_radix(checksum, 16).ok()? == crc32(payload.as_bytes());
    match parse(payload) {
        Ok(change) if whole && change.is_change() => Some(change),
        _ => None,
    }
}

/// Rewrites the book at `path` atomically: a temporary file beside it, fsync,
/// rename over `path`, fsync of the directory (without which the rename itself
/// may be lost on power loss).
pub fn write_snapshot(path: &Path, book: &Book) -> io::Result<()> {
    let temporary = temporary_path(path);
    let mut file = BufWriter::new(File::create(&temporary)?);
    file.write_all(&snapshot(book))?;
    let file = file.into_inner().map_err(|err| err.into_error())?;
    file.sync_all()?;
    fs::rename(&temporary, path)?;
    sync_directory(path)
}

/// Cuts the file at `path` to its first `len` bytes (a torn tail off), on disk.
pub fn truncate(path: &Path, len: u64) -> io::Result<()> {
    let file = OpenOptions::new().write(true).open(path)?;
    file.set_len(len)?;
    file.sync_all()
}

/// Opens the book at `path` to append records to it.
pub fn open_for_append(path: &Path) -> io::Result<File> {
    OpenOptions::new().append(true).open(path)
}

/// `FILE.tmp`, in the same directory (a rename never crosses file systems).
fn temporary_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Fsyncs the directory holding `path`, so that its new name is on disk.
pub fn sync_directory(path: &Path) -> io::Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    File::open(directory)?.sync_all()
}

/// CRC-32 (the one of zip, PNG and `zlib.crc32`), a bit at a time: slow next
/// to a table, and fast enough for a book.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(name: &str, entry: &str) -> Request {
        Request::Add {
            name: name.into(),
            entry: entry.into(),
        }
    }

    #[test]
    fn crc32_is_the_usual_one() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        // The module documentation's example.
        assert_eq!(
            record(&add("bob", "tel:+41 44")),
            b"18 94e7eca6 add:bob,tel:+41 44\n"
        );
    }

    #[test]
    fn a_torn_last_record_is_dropped_and_damage_before_good_records_is_refused() {
        let mut bytes = format!("{HEADER}\n").into_bytes();
        bytes.extend(record(&add("ann", "1")));
        bytes.extend(record(&add("bob", "tel:2,3")));
        let whole = replay(&bytes).unwrap();
        assert_eq!((whole.book.len(), whole.whole), (2, bytes.len() as u64));
        let torn = replay(&bytes[..bytes.len() - 3]).unwrap();
        assert_eq!((torn.book.len(), torn.records), (1, 1));
        assert!(torn.whole < torn.len);
        let mut damaged = bytes.clone();
        let at = HEADER.len() + 12;
        damaged[at] ^= 1;
        assert!(replay(&damaged).is_err());
        assert!(replay(b"hello\n").is_err());
        assert_eq!(replay(b"").unwrap().book.len(), 0);
    }
}
