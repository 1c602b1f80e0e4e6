//! Fault: each `read` is taken for one message, so three lines that arrive
//! together become one message with `\n`s inside.
//!
//! replaces: chat-server
//! rejected-by: step1_lines_sent_together_are_separate_messages

fn main() -> std::process::ExitCode {
    chat_faults::run(chat_faults::Mistake::OneReadOneMessage)
}
