//! Fault: the client never shows its progress, not even on a terminal: a
//! person uploading 10 GiB watches a silent prompt.
//!
//! replaces: file-client
//! rejected-by: step10_client_shows_progress_on_a_terminal

use std::net::Shutdown;

use file_transfer::client::{check_reply, connect, name_to_send, open, send};
use file_transfer::ClientArgs;
use indicatif::ProgressBar;

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_client(upload)
}

/// The reference's `upload`, but with the progress bar hidden even on a terminal.
fn upload(args: &ClientArgs) -> Result<(String, u64), String> {
    let name = name_to_send(args)?;
    let (file, size) = open(&args.file)?;
    let mut stream = connect(&args.server)?;
    // The mistake: no progress, wherever stderr goes.
    let sent = send(&mut stream, &name, file, size, &ProgressBar::hidden());
    if sent.is_ok() {
        let _ = stream.shutdown(Shutdown::Write);
    }
    check_reply(&stream, &name, size, sent)
}
