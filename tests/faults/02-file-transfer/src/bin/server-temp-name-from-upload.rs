//! Fault: the temporary file is named after the upload, `<name>.part`. For a
//! valid 255-byte name that is past the file system's limit, and the upload
//! fails.
//!
//! replaces: file-server
//! rejected-by: step5_server_accepts_any_valid_name

use std::io::BufReader;
use std::net::TcpStream;
use std::path::Path;

use file_transfer::server::{copy_body, expect_eof, read_header, save, Refusal};
use file_transfer::CHUNK;
use file_transfer_faults::temp_file_at;

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_server(receive)
}

/// The reference's `receive`, but with a temporary name made from the upload's.
fn receive(stream: &TcpStream, dir: &Path) -> Result<(String, u64), Refusal> {
    let mut reader = BufReader::with_capacity(CHUNK, stream);
    let (name, size) = read_header(&mut reader)?;
    let mut temp = // The mistake: `<name>.part` is past the limit for a 255-byte name.
    temp_file_at(dir.join(format!("{name}.part"))).map_err(Refusal::Disk)?;
    copy_body(&mut reader, temp.as_file_mut(), size)?;
    expect_eof(&mut reader)?;
    save(temp, &dir.join(&name))?;
    Ok((name, size))
}
