//! Fault: every upload streams into the same temporary file, `.upload.part`.
//! Two uploads at once write into one file, and rename each other's bytes.
//!
//! replaces: file-server
//! rejected-by: step8_eight_uploads_at_once

use std::io::BufReader;
use std::net::TcpStream;
use std::path::Path;

use file_transfer::server::{copy_body, expect_eof, read_header, save, Refusal};
use file_transfer::CHUNK;
use file_transfer_faults::temp_file_at;

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_server(receive)
}

/// The reference's `receive`, but with one temporary name for every upload.
fn receive(stream: &TcpStream, dir: &Path) -> Result<(String, u64), Refusal> {
    let mut reader = BufReader::with_capacity(CHUNK, stream);
    let (name, size) = read_header(&mut reader)?;
    let mut temp = // The mistake: one name, so two uploads at once share the file.
    temp_file_at(dir.join(".upload.part")).map_err(Refusal::Disk)?;
    copy_body(&mut reader, temp.as_file_mut(), size)?;
    expect_eof(&mut reader)?;
    save(temp, &dir.join(&name))?;
    Ok((name, size))
}
