//! Fault: `TcpStream::connect(..).unwrap()`: with no server the client panics
//! (exit 101) instead of `error: …` and exit 1.
//!
//! replaces: calc-client
//! rejected-by: step7_client_exits_1_when_the_server_is_unreachable

use calculator_faults::{run_client, ClientMistakes};

fn main() -> std::process::ExitCode {
    run_client(ClientMistakes {
        panics_when_unreachable: true,
        ..ClientMistakes::default()
    })
}
