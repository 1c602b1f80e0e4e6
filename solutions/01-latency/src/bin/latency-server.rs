//! latency-server: a UDP echo. Every datagram it receives goes back to its
//! sender, byte for byte.
//!
//! UDP has no connections: one socket serves every client, and `recv_from`
//! tells us whom to answer. The server keeps no state per client, so any
//! number of clients can ping it at once.

use std::net::UdpSocket;
use std::process::ExitCode;

use clap::Parser;
use latency::ServerArgs;

/// The largest UDP payload over IPv4 (65,535 minus the 8-byte UDP header and
/// the 20-byte IP header). A datagram longer than the receive buffer is
/// silently cut to fit, so the buffer must hold the largest one: a 1024-byte
/// buffer echoes 1024 bytes of a 10,000-byte ping.
const MAX_DATAGRAM: usize = 65_507;

fn main() -> ExitCode {
    let args = ServerArgs::parse();
    let socket = match UdpSocket::bind((args.host.as_str(), args.port)) {
        Ok(socket) => socket,
        Err(err) => {
            eprintln!("error: cannot bind {}:{}: {err}", args.host, args.port);
            return ExitCode::from(1);
        }
    };
    // The address actually bound: with --port 0 this is where the OS put us.
    // `println!` flushes at the newline, so whoever waits for this line sees it.
    println!(
        "listening on {}",
        socket.local_addr().expect("a bound socket has an address")
    );

    let mut buffer = vec![0u8; MAX_DATAGRAM];
    loop {
        // A zero-length datagram is a datagram like any other: unlike a TCP
        // read, 0 here does not mean the peer is gone. Echo it too.
        let (len, peer) = match socket.recv_from(&mut buffer) {
            Ok(received) => received,
            Err(err) => {
                eprintln!("recv_from failed: {err}");
                continue;
            }
        };
        // If a client vanished, sending may fail: that is its problem, not a
        // reason to stop serving the others.
        if let Err(err) = socket.send_to(&buffer[..len], peer) {
            eprintln!("send_to {peer} failed: {err}");
        }
    }
}
