//! Fault: the server reads the header through a `BufReader`, then copies the
//! body from the `TcpStream` itself. The body bytes that arrived with the
//! header are in the reader's buffer, and are lost.
//!
//! replaces: file-server
//! rejected-by: step1_server_saves_an_upload

fn main() -> std::process::ExitCode {
    file_transfer_faults::run(file_transfer_faults::Mistake::BodyAfterBufReader)
}
