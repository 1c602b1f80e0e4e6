//! Fault: the server reads the whole body into memory before writing it out.
//! Memory grows with the upload: a 64 MiB file takes 64 MiB of RAM, a 10 GiB
//! one takes the server down.
//!
//! replaces: file-server
//! rejected-by: step9_server_memory_stays_bounded

fn main() -> std::process::ExitCode {
    file_transfer_faults::run(file_transfer_faults::Mistake::BodyInMemory)
}
