//! Fault: the server joins the client's name to its directory without
//! checking it, so `../x` lands beside the directory and an absolute path
//! replaces any file the server may write.
//!
//! replaces: file-server
//! rejected-by: step5_server_refuses_hostile_names

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;

use file_transfer::server::{copy_body, expect_eof, save, Refusal};
use file_transfer::CHUNK;
use file_transfer::{parse_size, read_line, Line, MAX_LINE};
use tempfile::NamedTempFile;

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_server(receive)
}

/// The reference's `receive`, with its own `read_header`.
fn receive(stream: &TcpStream, dir: &Path) -> Result<(String, u64), Refusal> {
    let mut reader = BufReader::with_capacity(CHUNK, stream);
    let (name, size) = read_header(&mut reader)?;
    let mut temp = NamedTempFile::with_prefix_in(".upload-", dir).map_err(Refusal::Disk)?;
    copy_body(&mut reader, temp.as_file_mut(), size)?;
    expect_eof(&mut reader)?;
    save(temp, &dir.join(&name))?;
    Ok((name, size))
}

/// The reference's `read_header`, but with no check of the name.
fn read_header(reader: &mut impl BufRead) -> Result<(String, u64), Refusal> {
    let name = match read_line(reader, MAX_LINE) {
        Ok(Line::Complete(line)) => String::from_utf8(line).map_err(|_| Refusal::InvalidName)?,
        _ => return Err(Refusal::InvalidHeader),
    };
    // The mistake: no `check_name`, so `../x` or `/etc/passwd` is joined to the directory.
    let size = match read_line(reader, MAX_LINE) {
        Ok(Line::Complete(line)) => parse_size(&line).ok_or(Refusal::InvalidHeader)?,
        _ => return Err(Refusal::InvalidHeader),
    };
    Ok((name, size))
}
