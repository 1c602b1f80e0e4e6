//! Fault: with no server, the client times out properly but exits 0 and says
//! nothing on stderr: a script calling it cannot tell that nothing answered.
//!
//! replaces: latency-client
//! rejected-by: step6_client_gives_up_without_a_server

use clap::Parser;
use latency::{ClientArgs, Summary};
use std::time::Instant;

fn main() {
    let args = ClientArgs::parse();
    let socket = latency_faults::socket(&args);
    let mut rtts = Vec::new();
    let mut pong = vec![0u8; 65_536];
    for seq in 0..args.count {
        let start = Instant::now();
        socket.send(&latency_faults::ping(seq, args.size)).unwrap();
        if socket.recv(&mut pong).is_ok() && pong[..8] == seq.to_be_bytes() {
            rtts.push(start.elapsed());
        }
    }
    // The mistake: the summary, then exit 0 whatever came back.
    println!("{}", Summary::new(args.count, args.size, &rtts).plain());
}
