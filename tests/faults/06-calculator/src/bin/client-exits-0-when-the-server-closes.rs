//! Fault: the client takes the server's closing the connection for the end of
//! the session, and exits 0 with lines of stdin left unanswered.
//!
//! replaces: calc-client
//! rejected-by: step7_client_exits_1_when_the_server_closes_the_connection

use calculator_faults::{run_client, ClientMistakes};

fn main() -> std::process::ExitCode {
    run_client(ClientMistakes {
        exits_0_when_the_server_closes: true,
        ..ClientMistakes::default()
    })
}
