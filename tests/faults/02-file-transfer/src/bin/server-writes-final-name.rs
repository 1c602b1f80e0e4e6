//! Fault: the server writes the body straight to the final name. A reader of
//! the directory sees a partial file, and an upload cut short leaves one
//! behind for good.
//!
//! replaces: file-server
//! rejected-by: step6_cut_upload_leaves_nothing_behind

use std::io::BufReader;
use std::net::TcpStream;
use std::path::Path;

use file_transfer::server::{copy_body, expect_eof, read_header, save, Refusal};
use file_transfer::CHUNK;
use file_transfer_faults::temp_file_at;

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_server(receive)
}

/// The reference's `receive`, but writing to the final name, kept when cut.
fn receive(stream: &TcpStream, dir: &Path) -> Result<(String, u64), Refusal> {
    let mut reader = BufReader::with_capacity(CHUNK, stream);
    let (name, size) = read_header(&mut reader)?;
    let mut temp = // The mistake: no temporary file, the final name from the first byte...
    temp_file_at(dir.join(&name)).map_err(Refusal::Disk)?;
    if let Err(cut) = copy_body(&mut reader, temp.as_file_mut(), size) {
        // ...and nothing deletes it when the upload is cut.
        let _ = temp.keep();
        return Err(cut);
    }
    expect_eof(&mut reader)?;
    save(temp, &dir.join(&name))?;
    Ok((name, size))
}
