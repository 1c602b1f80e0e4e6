//! Fault: the client stops the clock right after `send` instead of after the
//! matching `recv`, so it times the system call, not the round trip.
//!
//! replaces: latency-client
//! rejected-by: step3_client_times_the_whole_round_trip

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
        let rtt = start.elapsed(); // the mistake: the pong has not come yet
        if socket.recv(&mut pong).is_ok() && pong[..8] == seq.to_be_bytes() {
            rtts.push(rtt);
        }
    }
    latency_faults::report(&args, &rtts)
}
