//! Fault: the client takes the size from the file's metadata, sends it in the
//! header, then copies the file with `io::copy(&mut file, &mut stream)`: up to
//! EOF, not up to `size`. A file that grows while it is sent sends the new
//! bytes too, more than the header announced.
//!
//! replaces: file-client
//! rejected-by: step2_client_sends_only_the_announced_bytes_of_a_growing_file
//! accepted-by: step2_client_sends_name_size_and_bytes step4_

use std::fs::File;
use std::io::{self, ErrorKind, Write};
use std::net::{Shutdown, TcpStream};

use file_transfer::client::{check_reply, connect, name_to_send, open};
use file_transfer::ClientArgs;

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

/// The reference's `send`, but copying to EOF.
fn send(stream: &mut TcpStream, name: &str, mut file: File, size: u64) -> io::Result<()> {
    stream.write_all(format!("{name}\n{size}\n").as_bytes())?;
    // The mistake: everything up to EOF, where `size` bytes were promised.
    io::copy(&mut file, stream)?;
    Ok(())
}
