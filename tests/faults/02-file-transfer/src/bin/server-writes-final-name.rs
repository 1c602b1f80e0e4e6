//! Fault: the server writes the body straight to the final name. A reader of
//! the directory sees a partial file, and an upload cut short leaves one
//! behind for good.
//!
//! replaces: file-server
//! rejected-by: step6_cut_upload_leaves_nothing_behind

fn main() -> std::process::ExitCode {
    file_transfer_faults::run(file_transfer_faults::Mistake::WritesFinalName)
}
