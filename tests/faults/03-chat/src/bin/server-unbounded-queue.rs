//! Fault: each client has a writer thread, but its queue (`mpsc::channel`) has
//! no bound: a client that stops reading is never disconnected, and the server
//! buffers for it without limit.
//!
//! replaces: chat-server
//! rejected-by: step4_a_silent_client_never_stalls_the_others

fn main() -> std::process::ExitCode {
    chat_faults::run(chat_faults::Mistake::UnboundedQueue)
}
