//! The file client's work: uploads one file to a file-server and waits until
//! the server says it is safe.
//!
//! It sends the header (name and size lines), streams the file through a fixed
//! buffer, then half-closes: `shutdown(Write)` sends EOF, which tells the
//! server no byte follows, while the connection stays open for the reply.
//! Only `OK <size>` with the right size means the upload worked.

use std::fs::File;
use std::io::{self, BufReader, ErrorKind, IsTerminal, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::{read_line, ClientArgs, Line, CHUNK, MAX_LINE};

/// How long the client waits for the server to connect, take bytes or answer.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// Uploads the file; returns the name it was stored under and its size.
pub fn upload(args: &ClientArgs) -> Result<(String, u64), String> {
    let name = name_to_send(args)?;
    let (file, size) = open(&args.file)?;
    let mut stream = connect(&args.server)?;

    // When the server refuses the header, it answers and closes at once, and
    // our next write may fail (EPIPE, or a reset). Its reply says why: read it
    // before reporting the failed write.
    let sent = send(&mut stream, &name, file, size, &progress_bar(size));
    match &sent {
        // EOF for the server: the body is complete, and nothing follows.
        Ok(()) => {
            let _ = stream.shutdown(Shutdown::Write);
        }
        // The file shrank: the bytes the size line promised will never come,
        // and only we know it. Stop now: the connection closes before the
        // last byte, and the server knows the upload is cut. Waiting for its
        // reply would leave both sides waiting.
        Err(err) if err.kind() == ErrorKind::UnexpectedEof => {
            return Err(format!("{}: {err}", args.file.display()))
        }
        Err(_) => {}
    }
    check_reply(&stream, &name, size, sent)
}

/// The name to store the file under: `--name`, or the file's base name only,
/// as the server's directory is not ours to choose.
pub fn name_to_send(args: &ClientArgs) -> Result<String, String> {
    match &args.name {
        Some(name) => Ok(name.clone()),
        None => args
            .file
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string)
            .ok_or_else(|| {
                format!(
                    "{} has no file name to send (use --name)",
                    args.file.display()
                )
            }),
    }
}

/// Opens the file to send, and says how big it is.
pub fn open(path: &Path) -> Result<(File, u64), String> {
    let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let size = file
        .metadata()
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .len();
    Ok((file, size))
}

/// Connects to the server, with [`PATIENCE`] for every read and write.
pub fn connect(server: &str) -> Result<TcpStream, String> {
    let stream = connect_any(server).map_err(|e| format!("cannot connect to {server}: {e}"))?;
    stream
        .set_read_timeout(Some(PATIENCE))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(PATIENCE))
        .map_err(|e| e.to_string())?;
    Ok(stream)
}

/// Tries each address the name resolves to.
fn connect_any(server: &str) -> io::Result<TcpStream> {
    let mut last = io::Error::new(ErrorKind::InvalidInput, format!("cannot resolve {server}"));
    for addr in server.to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, PATIENCE) {
            Ok(stream) => return Ok(stream),
            Err(err) => last = err,
        }
    }
    Err(last)
}

/// A progress bar only for a person watching: on a terminal. Piped into a
/// log or a test, stderr gets nothing extra.
pub fn progress_bar(size: u64) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(size);
    if let Ok(style) =
        ProgressStyle::with_template("{bytes}/{total_bytes} {wide_bar} {bytes_per_sec} ETA {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// Sends the header and exactly `size` bytes of the file, moving `progress`;
/// fails with [`ErrorKind::UnexpectedEof`] if the file shrank meanwhile.
pub fn send(
    stream: &mut TcpStream,
    name: &str,
    file: File,
    size: u64,
    progress: &ProgressBar,
) -> io::Result<()> {
    stream.write_all(format!("{name}\n{size}\n").as_bytes())?;

    // Never more than `size`: the size line is a promise; if the file grows
    // meanwhile, the extra bytes must not go out. `sendfile(2)` sends the
    // file's pages from the kernel's cache straight into the socket: the
    // plain loop (`read` into a buffer, `write_all` it) does the same work
    // with one more copy, through our buffer. 1 MiB at a time, to move the
    // progress bar: one call per CHUNK would cost 16 times the calls.
    let mut sent = 0;
    while sent < size {
        let want = (size - sent).min(16 * CHUNK as u64) as usize;
        let n = match rustix::fs::sendfile(&*stream, &file, None, want) {
            Ok(0) => break, // the file shrank
            Ok(n) => n,
            Err(rustix::io::Errno::INTR) => continue,
            Err(err) => return Err(err.into()),
        };
        sent += n as u64;
        progress.set_position(sent);
    }
    progress.finish_and_clear();
    if sent < size {
        return Err(io::Error::new(
            ErrorKind::UnexpectedEof,
            format!("the file shrank while it was sent: {sent} of the {size} bytes announced"),
        ));
    }
    Ok(())
}

/// Only `OK <size>` with the right size means the upload worked; when there
/// is no reply, what went wrong with the sending (`sent`) says why.
pub fn check_reply(
    stream: &TcpStream,
    name: &str,
    size: u64,
    sent: io::Result<()>,
) -> Result<(String, u64), String> {
    let expected = format!("OK {size}");
    match read_reply(stream) {
        Ok(Some(reply)) if reply == expected => Ok((name.to_string(), size)),
        Ok(Some(reply)) if reply.starts_with("ERR") => {
            Err(format!("the server refused {name:?}: {reply}"))
        }
        Ok(Some(reply)) => Err(format!(
            "unexpected reply {reply:?} (expected {expected:?})"
        )),
        Ok(None) => Err(match sent {
            Err(err) => format!("sending failed: {err}"),
            Ok(()) => "the server closed the connection without a reply".into(),
        }),
        Err(err) => Err(format!("no reply from the server: {err}")),
    }
}

/// The server's one reply line, or `None` when it closed without one.
fn read_reply(stream: &TcpStream) -> io::Result<Option<String>> {
    let mut reader = BufReader::new(stream);
    match read_line(&mut reader, MAX_LINE) {
        Ok(Line::Complete(line)) => Ok(Some(String::from_utf8_lossy(&line).into_owned())),
        Ok(Line::TooLong) => Err(io::Error::new(
            ErrorKind::InvalidData,
            "a reply line longer than 4096 bytes",
        )),
        Ok(Line::Eof) => Ok(None),
        // A reset after the server's reply was read would not get here; a
        // reset before it means there was no reply.
        Err(err) if err.kind() == ErrorKind::ConnectionReset => Ok(None),
        Err(err) => Err(err),
    }
}
