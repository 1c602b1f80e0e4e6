//! Fault: the client sends the file, half-closes and exits 0 without reading
//! the reply. It reports success for a file the server refused or lost.
//!
//! replaces: file-client
//! rejected-by: step3_client_fails_when_the_server_refuses

use std::net::Shutdown;

use file_transfer::client::{connect, name_to_send, open, progress_bar, send};
use file_transfer::ClientArgs;

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_client(upload)
}

/// The reference's `upload`, but with no wait for the reply.
fn upload(args: &ClientArgs) -> Result<(String, u64), String> {
    let name = name_to_send(args)?;
    let (file, size) = open(&args.file)?;
    let mut stream = connect(&args.server)?;
    let sent = send(&mut stream, &name, file, size, &progress_bar(size));
    if sent.is_ok() {
        let _ = stream.shutdown(Shutdown::Write);
    }
    // The mistake: success without reading `OK <size>`.
    sent.map(|()| (name, size)).map_err(|e| e.to_string())
}
