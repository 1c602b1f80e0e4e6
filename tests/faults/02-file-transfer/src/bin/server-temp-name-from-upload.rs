//! Fault: the temporary file is named after the upload, `<name>.part`. For a
//! valid 255-byte name that is past the file system's limit, and the upload
//! fails.
//!
//! replaces: file-server
//! rejected-by: step5_server_accepts_any_valid_name

fn main() -> std::process::ExitCode {
    file_transfer_faults::run(file_transfer_faults::Mistake::TempNameFromUpload)
}
