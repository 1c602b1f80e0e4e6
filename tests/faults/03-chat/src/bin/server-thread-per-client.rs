//! Fault: the step-5 server, right in every way but one: a thread per client
//! (two, with its writer). It passes steps 1 to 5, and step 6 rejects it for
//! its thread count: 2,000 clients would be 4,000 threads.
//!
//! replaces: chat-server
//! rejected-by: step6_two_thousand_clients_on_a_handful_of_threads
//! accepted-by: step1_ step2_ step3_ step4_ step5_

use clap::Parser;

fn main() -> std::process::ExitCode {
    chat::threaded::run(chat::ServerArgs::parse())
}
