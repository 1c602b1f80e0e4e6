//! Fault: the client waits for each pong with no timeout. With no server, the
//! first `recv` blocks for ever.
//!
//! replaces: latency-client
//! rejected-by: step6_client_gives_up_without_a_server

use clap::Parser;
use latency::{ClientArgs, Summary};
use std::net::UdpSocket;
use std::time::Instant;

fn main() {
    let args = ClientArgs::parse();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut rtts = Vec::new();
    let mut pong = vec![0u8; 65_536];
    for seq in 0..args.count {
        let mut ping = vec![0u8; usize::from(args.size)];
        ping[..8].copy_from_slice(&seq.to_be_bytes());
        let start = Instant::now();
        socket.send_to(&ping, &args.server).unwrap();
        socket.recv_from(&mut pong).unwrap();
        rtts.push(start.elapsed());
    }
    println!("{}", Summary::new(args.count, args.size, &rtts).plain());
}
