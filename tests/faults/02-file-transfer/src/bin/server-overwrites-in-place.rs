//! Fault: no temporary file and no rename: the body is written straight over
//! the final name (as `fs::write` or `File::create` would), and deleted if the
//! upload is cut. Nothing is left behind, but the old file is gone the moment
//! the new upload starts, and a reader sees it half written.
//!
//! replaces: file-server
//! rejected-by: step6_an_upload_replaces_an_existing_file

fn main() -> std::process::ExitCode {
    file_transfer_faults::run(file_transfer_faults::Mistake::OverwritesInPlace)
}
