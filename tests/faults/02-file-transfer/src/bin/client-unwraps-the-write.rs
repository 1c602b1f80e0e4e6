//! Fault: the client unwraps its writes. When the server refuses the header
//! and closes at once, the next write fails (EPIPE, or a reset) and the client
//! panics instead of reading and reporting the server's `ERR` line.
//!
//! replaces: file-client
//! rejected-by: step3_client_reports_an_err_sent_before_the_body

use std::net::Shutdown;

use file_transfer::client::{check_reply, connect, name_to_send, open, progress_bar, send};
use file_transfer::ClientArgs;

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_client(upload)
}

/// The reference's `upload`, but unwrapping the writes.
fn upload(args: &ClientArgs) -> Result<(String, u64), String> {
    let name = name_to_send(args)?;
    let (file, size) = open(&args.file)?;
    let mut stream = connect(&args.server)?;
    // The mistake: a failed write ends the client, though the server's
    // reply would say why it failed.
    send(&mut stream, &name, file, size, &progress_bar(size)).unwrap();
    let sent = Ok(());
    if sent.is_ok() {
        let _ = stream.shutdown(Shutdown::Write);
    }
    check_reply(&stream, &name, size, sent)
}
