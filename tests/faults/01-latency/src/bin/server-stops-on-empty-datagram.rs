//! Fault: the server treats a zero-length datagram like a TCP end of file and
//! stops. In UDP, 0 bytes is a datagram like any other.
//!
//! replaces: latency-server
//! rejected-by: step1_server_survives_a_zero_length_datagram

use clap::Parser;
use latency::ServerArgs;
use std::net::UdpSocket;

fn main() {
    let args = ServerArgs::parse();
    let socket = UdpSocket::bind((args.host.as_str(), args.port)).unwrap();
    println!("listening on {}", socket.local_addr().unwrap());
    let mut buffer = vec![0u8; 65_507];
    loop {
        let (len, peer) = socket.recv_from(&mut buffer).unwrap();
        if len == 0 {
            break;
        }
        socket.send_to(&buffer[..len], peer).unwrap();
    }
}
