//! Fault: the server reads the whole body into memory before writing it out.
//! Memory grows with the upload: a 64 MiB file takes 64 MiB of RAM, a 10 GiB
//! one takes the server down.
//!
//! replaces: file-server
//! rejected-by: step9_server_memory_stays_bounded

use std::io::BufReader;
use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::path::Path;

use file_transfer::server::{expect_eof, read_header, save, Refusal};
use file_transfer::CHUNK;
use tempfile::NamedTempFile;

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_server(receive)
}

/// The reference's `receive`, but with the body read into memory.
fn receive(stream: &TcpStream, dir: &Path) -> Result<(String, u64), Refusal> {
    let mut reader = BufReader::with_capacity(CHUNK, stream);
    let (name, size) = read_header(&mut reader)?;
    let mut temp = NamedTempFile::with_prefix_in(".upload-", dir).map_err(Refusal::Disk)?;
    copy_through_memory(&mut reader, temp.as_file_mut(), size)?;
    expect_eof(&mut reader)?;
    save(temp, &dir.join(&name))?;
    Ok((name, size))
}

/// Reads the whole body into memory, then writes it out.
fn copy_through_memory(
    reader: &mut impl BufRead,
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
