//! latency-client: sends numbered pings to a latency-server, one at a time,
//! and reports the round-trip times of the pongs that came back.
//!
//! UDP promises nothing: a ping or its pong can be lost, and a pong can arrive
//! late, after we gave up on it and sent the next ping. So every ping carries
//! its sequence number, each wait has a deadline, and a pong with the wrong
//! number is ignored rather than taken as the answer to the current ping.

use std::io::{self, ErrorKind};
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use latency::{ClientArgs, Summary};

fn main() -> ExitCode {
    let args = ClientArgs::parse();
    // What was measured survives an error half-way: the summary is printed
    // either way.
    let mut sent = 0;
    let mut rtts = Vec::new();
    let result = ping_server(&args, &mut sent, &mut rtts);
    let summary = Summary::new(sent, args.size, &rtts);
    // Exactly one summary line on stdout, whatever happened.
    if args.json {
        println!("{}", summary.json());
    } else {
        println!("{}", summary.plain());
    }
    let error = match result {
        Err(err) => err.to_string(),
        Ok(()) if summary.received() == 0 => format!(
            "no reply from {} ({} pings lost)",
            args.server,
            summary.lost()
        ),
        Ok(()) => return ExitCode::SUCCESS,
    };
    eprintln!("error: {error}");
    ExitCode::from(1)
}

/// Sends `args.count` pings, one at a time, counting them in `sent`, and
/// records the round-trip time of each pong that comes back in `rtts`.
fn ping_server(args: &ClientArgs, sent: &mut u64, rtts: &mut Vec<Duration>) -> io::Result<()> {
    let server = resolve(&args.server)?;
    // Bind to any port of the server's address family, then `connect`: a
    // connected UDP socket only receives from the server, and reports
    // "connection refused" when nothing listens there.
    let local = if server.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    };
    let socket = UdpSocket::bind(local)?;
    socket.connect(server)?;

    let timeout = Duration::from_millis(args.timeout_ms);
    let mut ping = vec![0u8; usize::from(args.size)];
    let mut pong = vec![0u8; 65_536];
    for seq in 0..args.count {
        ping[..8].copy_from_slice(&seq.to_be_bytes());
        // The clock starts just before the send and stops just after the
        // matching receive. `Instant` is monotonic: it never jumps the way the
        // wall clock does when NTP adjusts it.
        let start = Instant::now();
        *sent += 1;
        match socket.send(&ping) {
            Ok(_) => {}
            // The ICMP "port unreachable" of an earlier ping can surface here.
            Err(err) if err.kind() == ErrorKind::ConnectionRefused => continue,
            Err(err) => return Err(err),
        }
        if wait_for_pong(&socket, seq, start + timeout, &mut pong)? {
            rtts.push(start.elapsed());
        }
    }
    Ok(())
}

/// Waits until `deadline` for the pong that carries `seq`. Returns false when
/// it does not come in time (the ping is lost).
///
/// Stale pongs (an earlier ping's, arriving late, or a duplicate) are read and
/// dropped, and the wait goes on until the *same* deadline: a stream of stale
/// pongs must not keep us waiting for ever.
fn wait_for_pong(
    socket: &UdpSocket,
    seq: u64,
    deadline: Instant,
    buffer: &mut [u8],
) -> io::Result<bool> {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(false);
        }
        socket.set_read_timeout(Some(left))?;
        match socket.recv(buffer) {
            Ok(len) if len >= 8 && buffer[..8] == seq.to_be_bytes() => return Ok(true),
            Ok(_) => continue, // someone else's pong: not ours to count
            Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Ok(false)
            }
            // Nothing listens at the server's port: this ping is lost.
            Err(err) if err.kind() == ErrorKind::ConnectionRefused => return Ok(false),
            Err(err) => return Err(err),
        }
    }
}

fn resolve(server: &str) -> io::Result<SocketAddr> {
    server
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| io::Error::new(ErrorKind::InvalidInput, format!("cannot resolve {server}")))
}
