//! Fault: uploads are served one after the other, on the accepting thread
//! (the mistake of `server-one-at-a-time`), here for the test named for
//! concurrency, which must catch it by itself: eight uploads, the first held
//! open half way, and the seven others get no `OK`.
//!
//! replaces: file-server
//! rejected-by: step8_eight_uploads_at_once

fn main() -> std::process::ExitCode {
    file_transfer_faults::run(file_transfer_faults::Mistake::OneAtATime)
}
