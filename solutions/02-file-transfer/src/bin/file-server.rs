//! file-server: receives uploads into a directory, one per connection, many
//! connections at once.
//!
//! Three ideas carry it:
//! - TCP is a byte stream: the header is read line by line through a
//!   `BufReader` (a line can come in pieces, or together with the body), and
//!   the body is counted, because only its size says where it ends;
//! - memory stays bounded: the body goes through a fixed buffer straight into
//!   a file, never into a `Vec` as big as the upload;
//! - the directory only ever shows complete files: the body goes to a
//!   temporary file, renamed to its name after the last byte. An upload cut
//!   short leaves nothing behind: the temporary file is deleted when dropped.

use std::fmt;
use std::io::{self, BufRead, BufReader, ErrorKind, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use file_transfer::{check_name, parse_size, read_line, Line, ServerArgs, CHUNK, MAX_LINE};
use tempfile::NamedTempFile;

/// How long a connection may stay silent before the server gives up on it, so
/// that a client that vanished without a word does not hold a thread for ever.
const IDLE: Duration = Duration::from_secs(30);

fn main() -> ExitCode {
    let args = ServerArgs::parse();
    if let Err(err) = std::fs::create_dir_all(&args.dir) {
        eprintln!("error: cannot create {}: {err}", args.dir.display());
        return ExitCode::from(1);
    }
    let listener = match TcpListener::bind((args.host.as_str(), args.port)) {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("error: cannot bind {}:{}: {err}", args.host, args.port);
            return ExitCode::from(1);
        }
    };
    println!(
        "listening on {}",
        listener
            .local_addr()
            .expect("a bound socket has an address")
    );

    for stream in listener.incoming() {
        match stream {
            // A thread per upload: a slow client only ever holds its own thread.
            Ok(stream) => {
                let dir = args.dir.clone();
                thread::spawn(move || serve(stream, dir));
            }
            Err(err) => eprintln!("accept failed: {err}"),
        }
    }
    ExitCode::SUCCESS
}

/// Why an upload was refused: each becomes one `ERR <reason>` line.
#[derive(Debug)]
enum Refusal {
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
fn serve(stream: TcpStream, dir: PathBuf) {
    let peer = stream
        .peer_addr()
        .map_or_else(|_| "?".into(), |a| a.to_string());
    let started = Instant::now();
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_write_timeout(Some(IDLE));
    let reply = match receive(&stream, &dir) {
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
    let _ = (&stream).write_all(reply.as_bytes());
}

/// Reads the header and the body of one upload and puts the file in place.
/// Returns its name and size.
fn receive(stream: &TcpStream, dir: &Path) -> Result<(String, u64), Refusal> {
    let mut reader = BufReader::with_capacity(CHUNK, stream);

    // The name line. A bad name is refused at once, before any body is read.
    let name = match read_line(&mut reader, MAX_LINE) {
        Ok(Line::Complete(line)) => String::from_utf8(line).map_err(|_| Refusal::InvalidName)?,
        _ => return Err(Refusal::InvalidHeader),
    };
    if !check_name(&name) {
        return Err(Refusal::InvalidName);
    }
    let size = match read_line(&mut reader, MAX_LINE) {
        Ok(Line::Complete(line)) => parse_size(&line).ok_or(Refusal::InvalidHeader)?,
        _ => return Err(Refusal::InvalidHeader),
    };

    // The temporary file lives in the target directory, so the rename below
    // stays within one file system and is atomic. Its name is random, not
    // derived from the upload's name: `<255-byte name>.part` would be too long,
    // and two uploads of one name must not share it. Dropping it deletes it.
    let mut temp = NamedTempFile::with_prefix_in(".upload-", dir).map_err(Refusal::Disk)?;
    copy_body(&mut reader, temp.as_file_mut(), size)?;

    // Exactly `size` bytes, then the client's half-close. A byte more means
    // the client and the server disagree about the file: keep nothing.
    match reader.fill_buf() {
        Ok([]) => {}
        Ok(_) => return Err(Refusal::TrailingData),
        Err(err) => return Err(Refusal::NoEof(err)),
    }

    // `OK` promises the file is safe: on disk, under its name. sync_all before
    // the rename, or a crash could leave the new name on an empty file.
    temp.as_file().sync_all().map_err(Refusal::Disk)?;
    temp.persist(dir.join(&name))
        .map_err(|err| Refusal::Disk(err.error))?;
    Ok((name, size))
}

/// Copies exactly `size` bytes from the connection to the file, through the
/// reader's fixed buffer: the whole file is never in memory.
fn copy_body(
    reader: &mut BufReader<&TcpStream>,
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
