//! Fault: no temporary file and no rename: the body is written straight over
//! the final name (as `fs::write` or `File::create` would), and deleted if the
//! upload is cut. Nothing is left behind, but the old file is gone the moment
//! the new upload starts, and a reader sees it half written.
//!
//! replaces: file-server
//! rejected-by: step6_an_upload_replaces_an_existing_file

use std::io::BufReader;
use std::net::TcpStream;
use std::path::Path;

use file_transfer::server::{copy_body, expect_eof, read_header, save, Refusal};
use file_transfer::CHUNK;
use file_transfer_faults::temp_file_at;

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_server(receive)
}

/// The reference's `receive`, but writing over the final name as the body arrives.
fn receive(stream: &TcpStream, dir: &Path) -> Result<(String, u64), Refusal> {
    let mut reader = BufReader::with_capacity(CHUNK, stream);
    let (name, size) = read_header(&mut reader)?;
    let mut temp = // The mistake: the old file is truncated at once, before the new one is whole.
    temp_file_at(dir.join(&name)).map_err(Refusal::Disk)?;
    copy_body(&mut reader, temp.as_file_mut(), size)?;
    expect_eof(&mut reader)?;
    save(temp, &dir.join(&name))?;
    Ok((name, size))
}
