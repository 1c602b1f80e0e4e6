//! Fault: the accept loop serves each connection to its end before accepting
//! the next: while one client stays connected, every other one waits.
//!
//! replaces: calc-server
//! rejected-by: step6_20_clients_at_once_200_expressions_each

use calculator_faults::{bind, serve};

fn main() {
    for stream in bind().incoming().flatten() {
        let _ = serve(&stream, calculator::answer);
    }
}
