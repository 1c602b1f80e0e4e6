//! Fault: the client stops sending when the file runs out (`sendfile` returns
//! 0 before `size` bytes), and carries on as if the body were complete: it
//! half-closes and waits for a reply. The server is owed bytes that will never
//! come, and only the client knows why.
//!
//! replaces: file-client
//! rejected-by: step2_client_stops_with_an_error_when_the_file_shrinks
//! accepted-by: step2_client_sends_name_size_and_bytes step2_client_sends_only_the_announced_bytes step4_

use std::fs::File;
use std::io::{self, ErrorKind, Write};
use std::net::{Shutdown, TcpStream};

use file_transfer::client::{check_reply, connect, name_to_send, open};
use file_transfer::{ClientArgs, CHUNK};

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_client(upload)
}

/// The reference's `upload`, with its own `send`.
fn upload(args: &ClientArgs) -> Result<(String, u64), String> {
    let name = name_to_send(args)?;
    let (file, size) = open(&args.file)?;
    let mut stream = connect(&args.server)?;
    let sent = send(&mut stream, &name, file, size);
    match &sent {
        Ok(()) => {
            let _ = stream.shutdown(Shutdown::Write);
        }
        Err(err) if err.kind() == ErrorKind::UnexpectedEof => {
            return Err(format!("{}: {err}", args.file.display()))
        }
        Err(_) => {}
    }
    check_reply(&stream, &name, size, sent)
}

/// The reference's `send`, but with no check that `size` bytes went out.
fn send(stream: &mut TcpStream, name: &str, file: File, size: u64) -> io::Result<()> {
    stream.write_all(format!("{name}\n{size}\n").as_bytes())?;
    let mut sent = 0;
    while sent < size {
        let want = (size - sent).min(16 * CHUNK as u64) as usize;
        let n = match rustix::fs::sendfile(&*stream, &file, None, want) {
            // The mistake: the file ran out early, and nothing says so.
            Ok(0) => break,
            Ok(n) => n,
            Err(rustix::io::Errno::INTR) => continue,
            Err(err) => return Err(err.into()),
        };
        sent += n as u64;
    }
    Ok(())
}
