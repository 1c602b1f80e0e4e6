//! Fault: the server reads header lines with `read_line` and no cap. A client
//! that never sends a `\n` makes it buffer without bound, and never answer.
//!
//! replaces: file-server
//! rejected-by: step7_server_refuses_bad_headers

use std::io::BufReader;
use std::io::{self, BufRead};
use std::net::TcpStream;
use std::path::Path;

use file_transfer::server::{copy_body, expect_eof, save, Refusal};
use file_transfer::CHUNK;
use file_transfer::{check_name, parse_size, Line};
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

/// The reference's `read_header`, but reading lines with no cap.
fn read_header(reader: &mut impl BufRead) -> Result<(String, u64), Refusal> {
    let name = match uncapped_line(reader) {
        Ok(Line::Complete(line)) => String::from_utf8(line).map_err(|_| Refusal::InvalidName)?,
        _ => return Err(Refusal::InvalidHeader),
    };
    if !check_name(&name) {
        return Err(Refusal::InvalidName);
    }
    let size = match uncapped_line(reader) {
        Ok(Line::Complete(line)) => parse_size(&line).ok_or(Refusal::InvalidHeader)?,
        _ => return Err(Refusal::InvalidHeader),
    };
    Ok((name, size))
}

/// A line up to its `\n`, however long.
fn uncapped_line(reader: &mut impl BufRead) -> io::Result<Line> {
    // The mistake: `read_until` with no `take`, so a line with no `\n` is read for ever.
    let mut line = Vec::new();
    reader.read_until(b'\n', &mut line)?;
    let Some(line) = line.strip_suffix(b"\n") else {
        return Ok(Line::Eof);
    };
    Ok(Line::Complete(
        line.strip_suffix(b"\r").unwrap_or(line).to_vec(),
    ))
}
