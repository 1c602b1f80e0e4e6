//! Fault: the server streams into a temporary file, but keeps it when the
//! upload is cut short: the directory fills up with half-written temporary
//! files.
//!
//! replaces: file-server
//! rejected-by: step6_cut_upload_leaves_nothing_behind

use std::io::BufReader;
use std::net::TcpStream;
use std::path::Path;

use file_transfer::server::{copy_body, expect_eof, read_header, save, Refusal};
use file_transfer::CHUNK;
use tempfile::NamedTempFile;

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_server(receive)
}

/// The reference's `receive`, but keeping the temporary file of a cut upload.
fn receive(stream: &TcpStream, dir: &Path) -> Result<(String, u64), Refusal> {
    let mut reader = BufReader::with_capacity(CHUNK, stream);
    let (name, size) = read_header(&mut reader)?;
    let mut temp = NamedTempFile::with_prefix_in(".upload-", dir).map_err(Refusal::Disk)?;
    if let Err(cut) = copy_body(&mut reader, temp.as_file_mut(), size) {
        // The mistake: the file is kept, so nothing deletes it.
        let _ = temp.keep();
        return Err(cut);
    }
    expect_eof(&mut reader)?;
    save(temp, &dir.join(&name))?;
    Ok((name, size))
}
