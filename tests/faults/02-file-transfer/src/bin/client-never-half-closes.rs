//! Fault: the client sends the whole file, then waits for the reply without
//! half-closing. The server waits for EOF to know nothing follows; the client
//! waits for the server: neither moves.
//!
//! replaces: file-client
//! rejected-by: step2_client_half_closes_and_waits_for_the_reply

use file_transfer::client::{check_reply, connect, name_to_send, open, progress_bar, send};
use file_transfer::ClientArgs;

fn main() -> std::process::ExitCode {
    file_transfer_faults::run_client(upload)
}

/// The reference's `upload`, but with no half-close.
fn upload(args: &ClientArgs) -> Result<(String, u64), String> {
    let name = name_to_send(args)?;
    let (file, size) = open(&args.file)?;
    let mut stream = connect(&args.server)?;
    let sent = send(&mut stream, &name, file, size, &progress_bar(size));
    // The mistake: no `shutdown(Write)`, so the server never reads EOF.
    check_reply(&stream, &name, size, sent)
}
