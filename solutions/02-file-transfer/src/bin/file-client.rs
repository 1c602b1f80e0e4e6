//! file-client: uploads one file to a file-server and waits until the server
//! says it is safe.
//!
//! It sends the header (name and size lines), streams the file through a fixed
//! buffer, then half-closes: `shutdown(Write)` sends EOF, which tells the
//! server no byte follows, while the connection stays open for the reply.
//! Only `OK <size>` with the right size means the upload worked.

use std::fs::File;
use std::io::{self, BufReader, ErrorKind, IsTerminal, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use file_transfer::{read_line, ClientArgs, Line, CHUNK, MAX_LINE};
use indicatif::{ProgressBar, ProgressStyle};

/// How long the client waits for the server to connect, take bytes or answer.
const PATIENCE: Duration = Duration::from_secs(30);

fn main() -> ExitCode {
    let args = ClientArgs::parse();
    match upload(&args) {
        Ok((name, size)) => {
            println!("uploaded {name} ({size} bytes)");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(1)
        }
    }
}

/// Uploads the file; returns the name it was stored under and its size.
fn upload(args: &ClientArgs) -> Result<(String, u64), String> {
    // The base name only: the server's directory is not ours to choose.
    let name = match &args.name {
        Some(name) => name.clone(),
        None => args
            .file
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| {
                format!(
                    "{} has no file name to send (use --name)",
                    args.file.display()
                )
            })?
            .to_string(),
    };
    let file =
        File::open(&args.file).map_err(|e| format!("cannot open {}: {e}", args.file.display()))?;
    let size = file
        .metadata()
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?
        .len();

    let mut stream =
        connect(&args.server).map_err(|e| format!("cannot connect to {}: {e}", args.server))?;
    stream
        .set_read_timeout(Some(PATIENCE))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(PATIENCE))
        .map_err(|e| e.to_string())?;

    // When the server refuses the header, it answers and closes at once, and
    // our next write may fail (EPIPE, or a reset). Its reply says why: read it
    // before reporting the failed write.
    let sent = send(&mut stream, &name, file, size);
    if sent.is_ok() {
        // EOF for the server: the body is complete, and nothing follows.
        let _ = stream.shutdown(Shutdown::Write);
    }
    let expected = format!("OK {size}");
    match read_reply(&stream) {
        Ok(Some(reply)) if reply == expected => Ok((name, size)),
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

fn connect(server: &str) -> io::Result<TcpStream> {
    let mut last = io::Error::new(ErrorKind::InvalidInput, format!("cannot resolve {server}"));
    for addr in server.to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, PATIENCE) {
            Ok(stream) => return Ok(stream),
            Err(err) => last = err,
        }
    }
    Err(last)
}

/// Sends the header and exactly `size` bytes of the file.
fn send(stream: &mut TcpStream, name: &str, file: File, size: u64) -> io::Result<()> {
    stream.write_all(format!("{name}\n{size}\n").as_bytes())?;

    // A progress bar only for a person watching: on a terminal. Piped into a
    // log or a test, stderr gets nothing extra.
    let progress = if io::stderr().is_terminal() {
        let bar = ProgressBar::new(size);
        if let Ok(style) = ProgressStyle::with_template(
            "{bytes}/{total_bytes} {wide_bar} {bytes_per_sec} ETA {eta}",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };

    // `take(size)`: the size line is a promise; if the file grows meanwhile,
    // the extra bytes must not go out.
    let mut body = file.take(size);
    let mut buffer = vec![0u8; CHUNK];
    let mut sent = 0;
    loop {
        let n = match body.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        stream.write_all(&buffer[..n])?;
        sent += n as u64;
        progress.set_position(sent);
    }
    progress.finish_and_clear();
    if sent < size {
        return Err(io::Error::new(
            ErrorKind::UnexpectedEof,
            format!("the file shrank to {sent} bytes while sending"),
        ));
    }
    Ok(())
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
