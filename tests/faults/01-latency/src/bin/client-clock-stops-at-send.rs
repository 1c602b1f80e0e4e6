//! Fault: the client stops the clock right after `send` instead of after the
//! matching `recv`, so it times the system call, not the round trip.
//!
//! replaces: latency-client
//! rejected-by: step3_client_times_the_whole_round_trip

use clap::Parser;
use latency::{ClientArgs, Summary};
use std::net::UdpSocket;
use std::time::{Duration, Instant};

fn main() {
    let args = ClientArgs::parse();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.connect(&args.server).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(args.timeout_ms)))
        .unwrap();
    let mut rtts = Vec::new();
    let mut pong = vec![0u8; 65_536];
    for seq in 0..args.count {
        let mut ping = vec![0u8; usize::from(args.size)];
        ping[..8].copy_from_slice(&seq.to_be_bytes());
        let start = Instant::now();
        socket.send(&ping).unwrap();
        let rtt = start.elapsed();
        if socket.recv(&mut pong).is_ok() && pong[..8] == seq.to_be_bytes() {
            rtts.push(rtt);
        }
    }
    println!("{}", Summary::new(args.count, args.size, &rtts).plain());
}
