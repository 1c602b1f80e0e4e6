//! Fault: the client takes any pong that arrives in time as the answer to the
//! current ping, without checking its sequence number. A late pong of ping k
//! is counted for ping k + 1.
//!
//! replaces: latency-client
//! rejected-by: step5_client_ignores_stale_replies

use clap::Parser;
use latency::ClientArgs;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args = ClientArgs::parse();
    let socket = latency_faults::socket(&args);
    let mut rtts = Vec::new();
    let mut pong = vec![0u8; 65_536];
    for seq in 0..args.count {
        let start = Instant::now();
        socket.send(&latency_faults::ping(seq, args.size)).unwrap();
        if socket.recv(&mut pong).is_ok() {
            rtts.push(start.elapsed());
        }
    }
    latency_faults::report(&args, &rtts)
}
