//! The faulty file servers and clients: one copy of the reference server
//! (here) and of the reference client (`client.rs`), with a switch at each
//! classic mistake. Each binary in `src/bin` turns exactly one on, so that it
//! differs from the reference only by that mistake.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use clap::Parser;
use file_transfer::{check_name, parse_size, read_line, Line, ServerArgs, CHUNK, MAX_LINE};
use tempfile::{NamedTempFile, TempPath};

mod client;

pub use client::{run_client, ClientMistake};

/// How long a connection may stay silent before the server gives up on it.
const IDLE: Duration = Duration::from_secs(30);

/// The mistake a faulty server makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mistake {
    /// One `read` is taken for the whole header, as if TCP kept message
    /// boundaries: a header that arrives in pieces is cut where it ended.
    OneReadHeader,
    /// Header lines are read until their `\n` with no cap (`read_until`).
    UnboundedHeaderLine,
    /// The name is joined to the directory without `check_name`.
    UnvalidatedName,
    /// The body is copied from the `TcpStream`, past the `BufReader` that
    /// read the header: what the reader buffered of the body is lost.
    BodyAfterBufReader,
    /// The whole body is read into a `Vec` before it is written out.
    BodyInMemory,
    /// No check that EOF follows the body: `OK` after `size` bytes.
    IgnoresTrailingData,
    /// Every upload goes to the same temporary file, `.upload.part`.
    SharedTempName,
    /// The temporary file is named after the upload, `<name>.part`.
    TempNameFromUpload,
    /// No temporary file: the body goes to the final name, and stays there
    /// when the upload is cut short.
    WritesFinalName,
    /// The temporary file stays when the upload is cut short.
    LeavesTempFile,
    /// No temporary file: the body overwrites the final name as it arrives
    /// (deleted again if the upload is cut), so the old file is lost at once.
    OverwritesInPlace,
    /// Connections are served one after the other, on the accepting thread.
    OneAtATime,
}

/// Runs the file server with `mistake`.
pub fn run(mistake: Mistake) -> ExitCode {
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
    println!("listening on {}", listener.local_addr().unwrap());
    for stream in listener.incoming().flatten() {
        let dir = args.dir.clone();
        if mistake == Mistake::OneAtATime {
            serve(stream, dir, mistake);
        } else {
            thread::spawn(move || serve(stream, dir, mistake));
        }
    }
    ExitCode::SUCCESS
}

/// Why an upload was refused: each becomes one `ERR <reason>` line.
#[derive(Debug)]
enum Refusal {
    InvalidHeader,
    InvalidName,
    Cut { received: u64, size: u64 },
    TrailingData,
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
fn serve(stream: TcpStream, dir: PathBuf, mistake: Mistake) {
    let peer = stream
        .peer_addr()
        .map_or_else(|_| "?".into(), |a| a.to_string());
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_write_timeout(Some(IDLE));
    let reply = match receive(&stream, &dir, mistake) {
        Ok((name, size)) => {
            eprintln!("{peer}: saved {name:?}, {size} bytes");
            format!("OK {size}\n")
        }
        Err(refusal) => {
            eprintln!("{peer}: refused: {refusal}");
            format!("ERR {refusal}\n")
        }
    };
    let _ = (&stream).write_all(reply.as_bytes());
}

/// Reads the header and the body of one upload and puts the file in place.
fn receive(stream: &TcpStream, dir: &Path, mistake: Mistake) -> Result<(String, u64), Refusal> {
    let mut reader = BufReader::with_capacity(CHUNK, stream);
    if mistake == Mistake::OneReadHeader {
        // The mistake: one read for the whole header; `header_line` then
        // takes both lines from what it returned, and never reads again.
        reader.fill_buf().map_err(|_| Refusal::InvalidHeader)?;
    }

    let name = match header_line(&mut reader, mistake) {
        Ok(Line::Complete(line)) => String::from_utf8(line).map_err(|_| Refusal::InvalidName)?,
        _ => return Err(Refusal::InvalidHeader),
    };
    // The mistake (UnvalidatedName): no check before `dir.join(&name)`.
    if mistake != Mistake::UnvalidatedName && !check_name(&name) {
        return Err(Refusal::InvalidName);
    }
    let size = match header_line(&mut reader, mistake) {
        Ok(Line::Complete(line)) => parse_size(&line).ok_or(Refusal::InvalidHeader)?,
        _ => return Err(Refusal::InvalidHeader),
    };

    let mut temp = body_file(dir, &name, mistake).map_err(Refusal::Disk)?;
    let copied = match mistake {
        // The mistake: a new reader on the stream, so the body bytes that
        // came with the header, in the first reader's buffer, are skipped.
        Mistake::BodyAfterBufReader => {
            copy_body(&mut BufReader::new(stream), temp.as_file_mut(), size)
        }
        Mistake::BodyInMemory => copy_body_through_memory(&mut reader, temp.as_file_mut(), size),
        _ => copy_body(&mut reader, temp.as_file_mut(), size),
    };
    if let Err(cut) = copied {
        if matches!(mistake, Mistake::LeavesTempFile | Mistake::WritesFinalName) {
            // The mistake: nothing deletes the file of a cut upload.
            let _ = temp.keep();
        }
        return Err(cut);
    }

    // The mistake (IgnoresTrailingData): no check that EOF follows the body.
    if mistake != Mistake::IgnoresTrailingData {
        match reader.fill_buf() {
            Ok([]) => {}
            Ok(_) => return Err(Refusal::TrailingData),
            Err(err) => return Err(Refusal::NoEof(err)),
        }
    }

    temp.as_file().sync_all().map_err(Refusal::Disk)?;
    temp.persist(dir.join(&name))
        .map_err(|err| Refusal::Disk(err.error))?;
    Ok((name, size))
}

/// Reads one header line: the reference's capped `read_line`, unless the
/// mistake is in how the header is read.
fn header_line(reader: &mut BufReader<&TcpStream>, mistake: Mistake) -> io::Result<Line> {
    match mistake {
        Mistake::OneReadHeader => {
            // Only what the one read brought: a line cut there is taken as cut.
            let mut rest = reader.buffer();
            let line = read_line(&mut rest, MAX_LINE)?;
            let used = reader.buffer().len() - rest.len();
            reader.consume(used);
            Ok(line)
        }
        Mistake::UnboundedHeaderLine => {
            // The mistake: no cap, so a line with no `\n` is read for ever.
            let mut line = Vec::new();
            reader.read_until(b'\n', &mut line)?;
            let Some(line) = line.strip_suffix(b"\n") else {
                return Ok(Line::Eof);
            };
            Ok(Line::Complete(
                line.strip_suffix(b"\r").unwrap_or(line).to_vec(),
            ))
        }
        _ => read_line(reader, MAX_LINE),
    }
}

/// The file the body goes to while it arrives: the reference's temporary
/// file with a random name, deleted when dropped, unless the mistake is in
/// where the body goes.
fn body_file(dir: &Path, name: &str, mistake: Mistake) -> io::Result<NamedTempFile> {
    // A file at `path`, truncated if it exists, deleted when dropped.
    let at = |path: PathBuf| -> io::Result<NamedTempFile> {
        let file = File::create(&path)?;
        Ok(NamedTempFile::from_parts(
            file,
            TempPath::try_from_path(path)?,
        ))
    };
    match mistake {
        // The mistake: one temporary name for all uploads.
        Mistake::SharedTempName => at(dir.join(".upload.part")),
        // The mistake: a temporary name derived from the upload's name.
        Mistake::TempNameFromUpload => at(dir.join(format!("{name}.part"))),
        // The mistake: no temporary file, the final name from the first byte.
        Mistake::WritesFinalName | Mistake::OverwritesInPlace => at(dir.join(name)),
        _ => NamedTempFile::with_prefix_in(".upload-", dir),
    }
}

/// Copies exactly `size` bytes from the connection to the file, through the
/// reader's fixed buffer (the reference's way).
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
            Err(_) => return Err(Refusal::Cut { received, size }),
        };
        let n = chunk.len().min((size - received) as usize);
        file.write_all(&chunk[..n]).map_err(Refusal::Disk)?;
        reader.consume(n);
        received += n as u64;
    }
    Ok(())
}

/// Reads the whole body into memory, then writes it out.
fn copy_body_through_memory(
    reader: &mut BufReader<&TcpStream>,
    file: &mut impl Write,
    size: u64,
) -> Result<(), Refusal> {
    // The mistake: a `Vec` as big as the file.
    let mut body = Vec::new();
    let _ = reader.by_ref().take(size).read_to_end(&mut body);
    let received = body.len() as u64;
    if received < size {
        return Err(Refusal::Cut { received, size });
    }
    file.write_all(&body).map_err(Refusal::Disk)
}
