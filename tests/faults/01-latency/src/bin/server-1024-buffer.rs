//! Fault: the server receives into a 1024-byte buffer. UDP cuts a longer
//! datagram to fit without a word, so a 10,000-byte ping comes back as 1024.
//!
//! replaces: latency-server
//! rejected-by: step1_server_echoes_every_size

use clap::Parser;
use latency::ServerArgs;
use std::net::UdpSocket;

fn main() {
    let args = ServerArgs::parse();
    let socket = UdpSocket::bind((args.host.as_str(), args.port)).unwrap();
    println!("listening on {}", socket.local_addr().unwrap());
    let mut buffer = [0u8; 1024];
    loop {
        let (len, peer) = socket.recv_from(&mut buffer).unwrap();
        socket.send_to(&buffer[..len], peer).unwrap();
    }
}
