//! Fault: the server serves one connection at a time, in its accept loop. A
//! client that trickles its bytes holds every other client until it is done.
//!
//! replaces: file-server
//! rejected-by: step8_trickling_client_does_not_delay_others

fn main() -> std::process::ExitCode {
    file_transfer_faults::run(file_transfer_faults::Mistake::OneAtATime)
}
