//! Fault: the server stops reading after `size` bytes and answers `OK`
//! without waiting for EOF. Bytes beyond the announced size go unnoticed: the
//! client and the server disagree about the file, and nobody knows.
//!
//! replaces: file-server
//! rejected-by: step6_trailing_data_is_refused

use std::io::BufReader;
use std::net::TcpStream;
use std::path::Path;

use file_transfer::server::{copy_body, read_header, save, Refusal};
use file_transfer::CHUNK;
use tempfile::NamedTempFile;

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_server(receive)
}

/// The reference's `receive`, but with no check that EOF follows the body.
fn receive(stream: &TcpStream, dir: &Path) -> Result<(String, u64), Refusal> {
    let mut reader = BufReader::with_capacity(CHUNK, stream);
    let (name, size) = read_header(&mut reader)?;
    let mut temp = NamedTempFile::with_prefix_in(".upload-", dir).map_err(Refusal::Disk)?;
    copy_body(&mut reader, temp.as_file_mut(), size)?;
    // The mistake: no `expect_eof`, so bytes past `size` go unnoticed.
    save(temp, &dir.join(&name))?;
    Ok((name, size))
}
