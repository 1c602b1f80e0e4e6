//! Fault: the server takes one `read` for the whole header, as if TCP kept
//! message boundaries. A header that arrives in pieces is cut where the first
//! read ended.
//!
//! replaces: file-server
//! rejected-by: step1_server_reads_a_header_sent_in_pieces

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;

use file_transfer::server::{copy_body, expect_eof, read_header, save, Refusal};
use file_transfer::CHUNK;
use tempfile::NamedTempFile;

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_server(receive)
}

/// The reference's `receive`, but with the header taken from one read.
fn receive(stream: &TcpStream, dir: &Path) -> Result<(String, u64), Refusal> {
    let mut reader = BufReader::with_capacity(CHUNK, stream);
    let (name, size) = {
        // The mistake: one read for the whole header, as if TCP kept message
        // boundaries; the header is looked for in what it brought, and only there.
        let mut first = reader.fill_buf().map_err(|_| Refusal::InvalidHeader)?;
        let before = first.len();
        let header = read_header(&mut first)?;
        let used = before - first.len();
        reader.consume(used);
        header
    };
    let mut temp = NamedTempFile::with_prefix_in(".upload-", dir).map_err(Refusal::Disk)?;
    copy_body(&mut reader, temp.as_file_mut(), size)?;
    expect_eof(&mut reader)?;
    save(temp, &dir.join(&name))?;
    Ok((name, size))
}
