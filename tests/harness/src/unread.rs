//! How much of what the harness sent over a TCP connection the program at
//! the other end has not read yet, as the kernel counts it.
//!
//! `/proc/net/tcp` lists every connection of this network namespace with
//! two queues: `tx_queue`, the bytes its owner sent that the other side has
//! not acknowledged, and `rx_queue`, the bytes that arrived and its owner
//! has not taken with a `read`. On loopback the first drains as soon as the
//! other side's kernel has the bytes; the second only when the program reads
//! them. Both at zero is the event a test of "a message in pieces" waits
//! for: the server read this piece on its own, so the next one cannot land
//! in the same read, however loaded the machine.

use std::net::{SocketAddr, TcpStream};

/// Bytes sent on `stream` that its peer has not read yet: still on their
/// way, or in the peer's receive queue. `None` if the kernel no longer lists
/// the connection (the peer closed it, say).
pub(crate) fn unread_by_peer(stream: &TcpStream) -> Option<u64> {
    let (ours, theirs) = (stream.local_addr().ok()?, stream.peer_addr().ok()?);
    let table = match ours {
        SocketAddr::V4(_) => "/proc/net/tcp",
        SocketAddr::V6(_) => "/proc/net/tcp6",
    };
    let listing = std::fs::read_to_string(table).ok()?;
    let (mine, peers) = (hex(ours), hex(theirs));
    let mut on_the_way = None;
    let mut in_their_queue = None;
    for line in listing.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [_, local, remote, _, queues, ..] = fields[..] else {
            continue;
        };
        let Some((tx, rx)) = queues.split_once(':') else {
            continue;
        };
        if local == mine && remote == peers {
            on_the_way = u64::from_str_radix(tx, 16).ok();
        } else if local == peers && remote == mine {
            in_their_queue = u64::from_str_radix(rx, 16).ok();
        }
    }
    Some(on_the_way? + in_their_queue?)
}

/// An address as `/proc/net/tcp` writes it: the address as the host's
/// 32-bit words in hex, a colon, the port in hex.
fn hex(addr: SocketAddr) -> String {
    let words: Vec<[u8; 4]> = match addr {
        SocketAddr::V4(v4) => vec![v4.ip().octets()],
        SocketAddr::V6(v6) => v6
            .ip()
            .octets()
            .chunks(4)
            .map(|word| [word[0], word[1], word[2], word[3]])
            .collect(),
    };
    let address: String = words
        .iter()
        .map(|word| format!("{:08X}", u32::from_ne_bytes(*word)))
        .collect();
    format!("{address}:{:04X}", addr.port())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    /// Sent and not read counts; read, it does not.
    #[test]
    fn counts_what_the_peer_has_not_read() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut ours = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut theirs, _) = listener.accept().unwrap();
        assert_eq!(unread_by_peer(&ours), Some(0));
        ours.write_all(b"hello").unwrap();
        // Loopback hands the bytes over within the write; allow for a
        // softirq deferred on a busy machine, for a while.
        let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while unread_by_peer(&ours) != Some(5) && std::time::Instant::now() < until {
            std::thread::yield_now();
        }
        assert_eq!(unread_by_peer(&ours), Some(5));
        let mut buffer = [0u8; 3];
        theirs.read_exact(&mut buffer).unwrap();
        assert_eq!(unread_by_peer(&ours), Some(2));
        theirs.read_exact(&mut buffer[..2]).unwrap();
        assert_eq!(unread_by_peer(&ours), Some(0));
        // Closed, the peer's side has nothing left unread (or is gone).
        drop(theirs);
        assert!(matches!(unread_by_peer(&ours), None | Some(0)));
    }
}
