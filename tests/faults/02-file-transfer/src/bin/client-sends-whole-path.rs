//! Fault: the client sends the path it was given, not the file's base name.
//! The server's directory is not the client's to choose (and a careful server
//! refuses the name).
//!
//! replaces: file-client
//! rejected-by: step2_client_sends_the_base_name_only

use std::net::Shutdown;

use file_transfer::client::{check_reply, connect, open, progress_bar, send};
use file_transfer::ClientArgs;

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_client(upload)
}

/// The reference's `upload`, but sending the path it was given.
fn upload(args: &ClientArgs) -> Result<(String, u64), String> {
    // The mistake: the whole path, not its base name.
    let name = match &args.name {
        Some(name) => name.clone(),
        None => args.file.display().to_string(),
    };
    let (file, size) = open(&args.file)?;
    let mut stream = connect(&args.server)?;
    let sent = send(&mut stream, &name, file, size, &progress_bar(size));
    if sent.is_ok() {
        let _ = stream.shutdown(Shutdown::Write);
    }
    check_reply(&stream, &name, size, sent)
}
