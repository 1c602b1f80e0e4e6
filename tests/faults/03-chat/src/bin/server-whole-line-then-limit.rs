//! Fault: each line is read whole (`read_until` with no bound) and only then
//! checked against the 4096-byte limit: every reply is right, but one long
//! line takes as much memory as it is long.
//!
//! replaces: chat-server
//! rejected-by: step3_a_long_line_never_sits_in_memory

fn main() -> std::process::ExitCode {
    chat_faults::run(chat_faults::Mistake::WholeLineThenLimit)
}
