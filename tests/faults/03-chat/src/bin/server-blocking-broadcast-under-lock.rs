//! Fault: the broadcast writes to each member's socket, with blocking writes,
//! while holding the lock on the shared state. A client that stops reading
//! fills its socket buffers, the write blocks with the lock held, and every
//! other client's thread waits for the lock: the whole server stalls.
//!
//! replaces: chat-server
//! rejected-by: step4_a_silent_client_never_stalls_the_others
//! within-s: 8

fn main() -> std::process::ExitCode {
    chat_faults::run(chat_faults::Mistake::BlockingBroadcastUnderLock)
}
