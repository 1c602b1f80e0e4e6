//! Fault: `/nick` accepts a name that another client uses.
//!
//! replaces: chat-server
//! rejected-by: step3_nick_names_the_sender

fn main() -> std::process::ExitCode {
    chat_faults::run(chat_faults::Mistake::NamesNotUnique)
}
