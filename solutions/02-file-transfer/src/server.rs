//! The file server's work, one upload per connection: what `file-server`'s
//! `main` runs for each connection it accepts, on a thread of its own.
//!
//! Three ideas carry it:
//! - TCP is a byte stream: the header is read line by line through a
//!   `BufReader` (a line can come in pieces, or together with the body), and
//!   the body is counted, because only its size says where it ends;
//! - memory stays bounded: the body goes through a fixed buffer straight into
//!   a file, never into a `Vec` as big as the upload ([`copy_body`], the
//!   plain loop; the server runs [`splice_body`], the same copy done by the
//!   kernel);
//! - the directory only ever shows complete files: the body goes to a
//!   temporary file, renamed to its name after the last byte. An upload cut
//!   short leaves nothing behind: the temporary file is deleted when dropped.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, ErrorKind, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tempfile::NamedTempFile;

use crate::{check_name, parse_size, read_line, Line, ServerArgs, CHUNK, MAX_LINE};

/// How long a connection may stay silent before the server gives up on it, so
/// that a client that vanished without a word does not hold a thread for ever.
pub const IDLE: Duration = Duration::from_secs(30);

/// Creates the directory and binds the listener, then says where it listens.
pub fn listen(args: &ServerArgs) -> Result<TcpListener, String> {
    std::fs::create_dir_all(&args.dir)
        .map_err(|err| format!("cannot create {}: {err}", args.dir.display()))?;
    let listener = TcpListener::bind((args.host.as_str(), args.port))
        .map_err(|err| format!("cannot bind {}:{}: {err}", args.host, args.port))?;
    println!(
        "listening on {}",
        listener
            .local_addr()
            .expect("a bound socket has an address")
    );
    Ok(listener)
}

/// Why an upload was refused: each becomes one `ERR <reason>` line.
#[derive(Debug)]
pub enum Refusal {
    InvalidHeader,
    InvalidName,
    /// The connection ended (or failed) before the announced size.
    Cut {
        received: u64,
        size: u64,
    },
    TrailingData,
    /// The body was complete, but no EOF came: the client did not half-close.
    NoEof(io::Error),
    Disk(io::Error),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::InvalidHeader => write!(f, "invalid header"),
            Refusal::InvalidName => write!(f, "invalid file name"),
            Refusal::Cut { received, size } => {
                write!(f, "upload cut short ({received} of {size} bytes)")
            }
            Refusal::TrailingData => write!(f, "trailing data"),
            Refusal::NoEof(err) => write!(f, "no end of file after the body ({err})"),
            Refusal::Disk(err) => write!(f, "cannot save the file ({err})"),
        }
    }
}

/// Serves one connection: receives its upload, answers `OK` or `ERR`, logs it.
pub fn serve(stream: TcpStream, dir: PathBuf) {
    let started = Instant::now();
    limit_idle(&stream);
    let received = receive(&stream, &dir);
    reply(&stream, received, started);
}

/// Gives up on a connection silent for [`IDLE`], reading or writing.
pub fn limit_idle(stream: &TcpStream) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_write_timeout(Some(IDLE));
}

/// Answers `OK <size>` or `ERR <reason>`, and logs it.
pub fn reply(stream: &TcpStream, received: Result<(String, u64), Refusal>, started: Instant) {
    let peer = stream
        .peer_addr()
        .map_or_else(|_| "?".into(), |a| a.to_string());
    let reply = match received {
        Ok((name, size)) => {
            eprintln!(
                "{peer}: saved {name:?}, {size} bytes in {:.3} s",
                started.elapsed().as_secs_f64()
            );
            format!("OK {size}\n")
        }
        Err(refusal) => {
            eprintln!("{peer}: refused: {refusal}");
            format!("ERR {refusal}\n")
        }
    };
    // The client may be gone already (a cut upload): nobody to tell, then.
    let _ = (&*stream).write_all(reply.as_bytes());
}

/// Reads the header and the body of one upload and puts the file in place.
/// Returns its name and size.
pub fn receive(stream: &TcpStream, dir: &Path) -> Result<(String, u64), Refusal> {
    let mut reader = BufReader::with_capacity(CHUNK, stream);
    let (name, size) = read_header(&mut reader)?;

    // The temporary file lives in the target directory, so the rename below
    // stays within one file system and is atomic. Its name is random, not
    // derived from the upload's name: `<255-byte name>.part` would be too long,
    // and two uploads of one name must not share it. Dropping it deletes it.
    let mut temp = NamedTempFile::with_prefix_in(".upload-", dir).map_err(Refusal::Disk)?;
    splice_body(&mut reader, temp.as_file_mut(), size)?;
    expect_eof(&mut reader)?;
    save(temp, &dir.join(&name))?;
    Ok((name, size))
}

/// Reads the header's two lines: the name, and the size. A bad name is
/// refused at once, before any body is read.
pub fn read_header(reader: &mut impl BufRead) -> Result<(String, u64), Refusal> {
    let name = match read_line(reader, MAX_LINE) {
        Ok(Line::Complete(line)) => String::from_utf8(line).map_err(|_| Refusal::InvalidName)?,
        _ => return Err(Refusal::InvalidHeader),
    };
    if !check_name(&name) {
        return Err(Refusal::InvalidName);
    }
    let size = match read_line(reader, MAX_LINE) {
        Ok(Line::Complete(line)) => parse_size(&line).ok_or(Refusal::InvalidHeader)?,
        _ => return Err(Refusal::InvalidHeader),
    };
    Ok((name, size))
}

/// Exactly `size` bytes, then the client's half-close. A byte more means the
/// client and the server disagree about the file: keep nothing.
pub fn expect_eof(reader: &mut impl BufRead) -> Result<(), Refusal> {
    match reader.fill_buf() {
        Ok([]) => Ok(()),
        Ok(_) => Err(Refusal::TrailingData),
        Err(err) => Err(Refusal::NoEof(err)),
    }
}

/// Puts the complete file under its name. `OK` promises the file is safe: on
/// disk, under its name. sync_all before the rename, or a crash could leave
/// the new name on an empty file.
pub fn save(temp: NamedTempFile, path: &Path) -> Result<(), Refusal> {
    temp.as_file().sync_all().map_err(Refusal::Disk)?;
    temp.persist(path).map_err(|err| Refusal::Disk(err.error))?;
    Ok(())
}

/// Copies exactly `size` bytes from the connection to the file, through the
/// reader's fixed buffer: the whole file is never in memory.
pub fn copy_body(
    reader: &mut impl BufRead,
    file: &mut impl Write,
    size: u64,
) -> Result<(), Refusal> {
    let mut received = 0;
    while received < size {
        let chunk = match reader.fill_buf() {
            Ok([]) => return Err(Refusal::Cut { received, size }),
            Ok(chunk) => chunk,
            Err(err) if err.kind() == ErrorKind::Interrupted => continue,
            // A reset or a silent client: the upload is as cut as with an EOF.
            Err(_) => return Err(Refusal::Cut { received, size }),
        };
        // Never past the announced size: what follows is not this file's.
        let n = chunk.len().min((size - received) as usize);
        file.write_all(&chunk[..n]).map_err(Refusal::Disk)?;
        reader.consume(n);
        received += n as u64;
    }
    Ok(())
}

/// The same copy as [`copy_body`], done by the kernel: `splice(2)` moves
/// the bytes from the socket into a pipe and from the pipe into the file,
/// without copying them through a buffer of ours.
///
/// The plain loop copies every byte twice: `read` from the socket's buffer
/// into ours, `write` from ours into the file's pages. At loopback speed those
/// copies are most of the work (`bench/file-transfer` measures it against C
/// doing the same both ways). `splice` moves a reference to the socket's
/// pages into the pipe instead, and the pipe's pages into the file: one copy
/// left, and no buffer in our memory at all. A pipe is needed because
/// `splice` works only when one side is a pipe.
///
/// The pipe is always emptied before the next splice from the socket, so it
/// can never fill up and block with nobody to drain it, however the client
/// sends (even a byte per packet). A silent client still times out: `splice`
/// from a socket obeys its read timeout, like `read`.
pub fn splice_body(
    reader: &mut BufReader<&TcpStream>,
    file: &mut File,
    size: u64,
) -> Result<(), Refusal> {
    use rustix::io::Errno;
    use rustix::pipe::{fcntl_setpipe_size, splice, SpliceFlags};

    // Reading the header may have read the first bytes of the body too: they
    // are in the reader's buffer, not in the socket any more.
    let buffered = (reader.buffer().len() as u64).min(size);
    copy_body(reader, file, buffered)?;

    let socket = *reader.get_ref();
    let (from_pipe, into_pipe) = io::pipe().map_err(Refusal::Disk)?;
    // A bigger pipe (1 MiB), fewer calls; if the system refuses, the default.
    let capacity = fcntl_setpipe_size(&into_pipe, 1 << 20).unwrap_or(64 * 1024);
    let flags = SpliceFlags::MOVE | SpliceFlags::MORE;
    let mut received = buffered;
    while received < size {
        let want = (size - received).min(capacity as u64) as usize;
        let n = match splice(socket, None, &into_pipe, None, want, flags) {
            Ok(0) => return Err(Refusal::Cut { received, size }),
            Ok(n) => n,
            Err(Errno::INTR) => continue,
            // A reset or a silent client: as cut as with an EOF.
            Err(_) => return Err(Refusal::Cut { received, size }),
        };
        let mut in_pipe = n;
        while in_pipe > 0 {
            match splice(&from_pipe, None, &*file, None, in_pipe, flags) {
                Ok(0) => return Err(Refusal::Disk(ErrorKind::WriteZero.into())),
                Ok(m) => in_pipe -= m,
                Err(Errno::INTR) => continue,
                Err(err) => return Err(Refusal::Disk(err.into())),
            }
        }
        received += n as u64;
    }
    Ok(())
}
