//! Fault: the client waits for each pong with no timeout. With no server, the
//! first `recv` blocks for ever.
//!
//! replaces: latency-client
//! rejected-by: step6_client_gives_up_without_a_server

use clap::Parser;
use latency::ClientArgs;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args = ClientArgs::parse();
    let socket = latency_faults::socket(&args);
    socket.set_read_timeout(None).unwrap(); // the mistake
    let mut rtts = Vec::new();
    let mut pong = vec![0u8; 65_536];
    for seq in 0..args.count {
        let start = Instant::now();
        socket.send(&latency_faults::ping(seq, args.size)).unwrap();
        socket.recv(&mut pong).unwrap();
        rtts.push(start.elapsed());
    }
    latency_faults::report(&args, &rtts)
}
