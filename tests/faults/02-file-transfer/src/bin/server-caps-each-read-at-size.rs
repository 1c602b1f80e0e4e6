//! Fault: the server copies at most `size` bytes of each read, not what is
//! left of the body: when the body comes in several reads, the last one may
//! carry bytes past the announced size into the file, and with them gone
//! from the connection the check for trailing data sees nothing.
//!
//! replaces: file-server
//! rejected-by: step6_trailing_data_is_refused
//! accepted-by: step1_server_saves_an_upload

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;

use file_transfer::server::{expect_eof, read_header, save, Refusal};
use file_transfer::CHUNK;
use tempfile::NamedTempFile;

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_server(receive)
}

/// The reference's `receive`, with its own `copy_body`.
fn receive(stream: &TcpStream, dir: &Path) -> Result<(String, u64), Refusal> {
    let mut reader = BufReader::with_capacity(CHUNK, stream);
    let (name, size) = read_header(&mut reader)?;
    let mut temp = NamedTempFile::with_prefix_in(".upload-", dir).map_err(Refusal::Disk)?;
    copy_body(&mut reader, temp.as_file_mut(), size)?;
    expect_eof(&mut reader)?;
    save(temp, &dir.join(&name))?;
    Ok((name, size))
}

/// The reference's `copy_body`, but for the cap of each read.
fn copy_body(reader: &mut impl BufRead, file: &mut impl Write, size: u64) -> Result<(), Refusal> {
    let mut received = 0;
    while received < size {
        let chunk = match reader.fill_buf() {
            Ok([]) | Err(_) => return Err(Refusal::Cut { received, size }),
            Ok(chunk) => chunk,
        };
        // The mistake: `size`, where `size - received` is what is left.
        let n = chunk.len().min(size as usize);
        file.write_all(&chunk[..n]).map_err(Refusal::Disk)?;
        reader.consume(n);
        received += n as u64;
    }
    Ok(())
}
