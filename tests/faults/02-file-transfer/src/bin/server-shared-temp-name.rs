//! Fault: every upload streams into the same temporary file, `.upload.part`.
//! Two uploads at once write into one file, and rename each other's bytes.
//!
//! replaces: file-server
//! rejected-by: step8_eight_uploads_at_once

fn main() -> std::process::ExitCode {
    file_transfer_faults::run(file_transfer_faults::Mistake::SharedTempName)
}
