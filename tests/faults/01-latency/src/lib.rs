//! What the faulty latency clients share with each other, so that each fault
//! file holds only its own mistake.

use std::net::UdpSocket;
use std::process::ExitCode;
use std::time::Duration;

use latency::{ClientArgs, Summary};

/// A socket connected to `--server`, each receive waiting at most
/// `--timeout-ms` (as a plain, per-receive timeout).
pub fn socket(args: &ClientArgs) -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.connect(&args.server).unwrap();
    let timeout = Duration::from_millis(args.timeout_ms);
    socket.set_read_timeout(Some(timeout)).unwrap();
    socket
}

/// Ping `seq`: `size` bytes starting with the sequence number.
pub fn ping(seq: u64, size: u16) -> Vec<u8> {
    let mut ping = vec![0u8; usize::from(size)];
    ping[..8].copy_from_slice(&seq.to_be_bytes());
    ping
}

/// Prints the summary and exits as the contract says.
pub fn report(args: &ClientArgs, rtts: &[Duration]) -> ExitCode {
    let summary = Summary::new(args.count, args.size, rtts);
    println!("{}", summary.plain());
    if summary.received() > 0 {
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "error: no reply from {} ({} pings lost)",
        args.server, args.count
    );
    ExitCode::from(1)
}
