//! Fault: each `read` is cut at its `\n`s and what is left at its end is taken
//! for a whole line, so a line that arrives in two reads becomes two messages.
//!
//! replaces: chat-server
//! rejected-by: step1_a_line_split_across_two_reads_is_one_message

fn main() -> std::process::ExitCode {
    chat_faults::run(chat_faults::Mistake::ReadEndIsLineEnd)
}
