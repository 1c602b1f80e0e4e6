//! Fault: the server streams into a temporary file, but keeps it when the
//! upload is cut short: the directory fills up with half-written temporary
//! files.
//!
//! replaces: file-server
//! rejected-by: step6_cut_upload_leaves_nothing_behind

fn main() -> std::process::ExitCode {
    file_transfer_faults::run(file_transfer_faults::Mistake::LeavesTempFile)
}
