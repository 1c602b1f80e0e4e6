//! Fault: the client counts pongs right but prints made-up times instead of
//! measuring them.
//!
//! replaces: latency-client
//! rejected-by: step3_client_times_the_whole_round_trip

use clap::Parser;
use latency::ClientArgs;
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let args = ClientArgs::parse();
    let socket = latency_faults::socket(&args);
    let mut rtts = Vec::new();
    let mut pong = vec![0u8; 65_536];
    for seq in 0..args.count {
        socket.send(&latency_faults::ping(seq, args.size)).unwrap();
        if socket.recv(&mut pong).is_ok() && pong[..8] == seq.to_be_bytes() {
            rtts.push(Duration::from_micros(15)); // the mistake: no clock at all
        }
    }
    latency_faults::report(&args, &rtts)
}
