//! Fault: the client takes any pong that arrives in time as the answer to the
//! current ping, without checking its sequence number. A late pong of ping k
//! is counted for ping k + 1.
//!
//! replaces: latency-client
//! rejected-by: step5_client_ignores_stale_replies

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
        if socket.recv(&mut pong).is_ok() {
            rtts.push(start.elapsed());
        }
    }
    let summary = Summary::new(args.count, args.size, &rtts);
    println!("{}", summary.plain());
    if summary.received() == 0 {
        eprintln!(
            "error: no reply from {} ({} pings lost)",
            args.server, args.count
        );
        std::process::exit(1);
    }
}
