//! Fault: the server reads the header through a `BufReader`, then copies the
//! body from the `TcpStream` itself. The body bytes that arrived with the
//! header are in the reader's buffer, and are lost.
//!
//! replaces: file-server
//! rejected-by: step1_server_saves_an_upload

use std::io::BufReader;
use std::net::TcpStream;
use std::path::Path;

use file_transfer::server::{copy_body, expect_eof, read_header, save, Refusal};
use file_transfer::CHUNK;
use tempfile::NamedTempFile;

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_server(receive)
}

/// The reference's `receive`, but with the body copied past its reader.
fn receive(stream: &TcpStream, dir: &Path) -> Result<(String, u64), Refusal> {
    let mut reader = BufReader::with_capacity(CHUNK, stream);
    let (name, size) = read_header(&mut reader)?;
    let mut temp = NamedTempFile::with_prefix_in(".upload-", dir).map_err(Refusal::Disk)?;
    // The mistake: a new reader on the stream, so the body bytes that came
    // with the header, in the first reader's buffer, are skipped.
    copy_body(&mut BufReader::new(stream), temp.as_file_mut(), size)?;
    expect_eof(&mut reader)?;
    save(temp, &dir.join(&name))?;
    Ok((name, size))
}
