//! The faulty file clients: one copy of the reference client with a switch
//! at each classic mistake.

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

/// The mistake a faulty client makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientMistake {
    /// It sends the path it was given, not the file's base name.
    SendsWholePath,
    /// It waits for the reply without `shutdown(Write)` first.
    NeverHalfCloses,
    /// It exits 0 once the bytes are sent, without reading the reply.
    IgnoresReply,
    /// A failed write panics (`unwrap`) before the reply is read.
    UnwrapsTheWrite,
    /// No progress is shown, even on a terminal.
    NoProgressBar,
    /// Progress is printed by hand to stderr, whatever stderr is.
    ProgressOnAPipe,
}

/// Runs the file client with `mistake`.
pub fn run_client(mistake: ClientMistake) -> ExitCode {
    let args = ClientArgs::parse();
    match upload(&args, mistake) {
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
fn upload(args: &ClientArgs, mistake: ClientMistake) -> Result<(String, u64), String> {
    let name = match &args.name {
        Some(name) => name.clone(),
        // The mistake: the whole path, not its base name.
        None if mistake == ClientMistake::SendsWholePath => {
            args.file.to_string_lossy().into_owned()
        }
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

    let sent = send(&mut stream, &name, file, size, mistake);
    if mistake == ClientMistake::UnwrapsTheWrite {
        // The mistake: a failed write ends the client, though the server's
        // reply would have said why it failed.
        sent.as_ref().unwrap();
    }
    // The mistake (NeverHalfCloses): no EOF for the server.
    if sent.is_ok() && mistake != ClientMistake::NeverHalfCloses {
        let _ = stream.shutdown(Shutdown::Write);
    }
    if mistake == ClientMistake::IgnoresReply {
        // The mistake: no wait for `OK <size>`.
        return Ok((name, size));
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
fn send(
    stream: &mut TcpStream,
    name: &str,
    file: File,
    size: u64,
    mistake: ClientMistake,
) -> io::Result<()> {
    stream.write_all(format!("{name}\n{size}\n").as_bytes())?;

    // The mistake (NoProgressBar): hidden even on a terminal.
    let progress = if io::stderr().is_terminal() && mistake != ClientMistake::NoProgressBar {
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
        if mistake == ClientMistake::ProgressOnAPipe {
            // The mistake: no `is_terminal()` check (indicatif's bar makes
            // that check itself, so this progress is printed by hand).
            eprint!("\rsent {sent} of {size} bytes");
        }
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
        Err(err) if err.kind() == ErrorKind::ConnectionReset => Ok(None),
        Err(err) => Err(err),
    }
}
