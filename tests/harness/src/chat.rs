//! Peers for exercise 03 (chat): a client that never reads, and an abrupt
//! disconnect. (The harness-side server that plays a script against the
//! client under test is [`crate::ScriptedServer`].)

use std::net::SocketAddr;
use std::time::Duration;

use socket2::{Domain, SockRef, Socket, Type};

use crate::report::Failure;
use crate::{Server, TcpConn, PATIENCE};

/// A client that connects, sends a few lines, and then never reads a byte:
/// a user whose terminal froze. Its receive buffer is made small *before* it
/// connects, so that the window it advertises stays small and the server's
/// writes to it block after a few KiB rather than a few MiB.
pub struct SilentClient {
    socket: Socket,
}

impl SilentClient {
    /// Connects to `server` with a receive buffer of `receive_buffer` bytes
    /// (the kernel doubles it, and has a minimum) and sends `lines`.
    pub fn connect(server: &Server, receive_buffer: usize, lines: &[u8]) -> SilentClient {
        let fail = |what: String| -> ! {
            Failure::new(what)
                .context(&crate::by_hand(server, "nc {addr}"))
                .raise()
        };
        let socket = Socket::new(Domain::for_address(server.addr()), Type::STREAM, None)
            .unwrap_or_else(|err| fail(format!("could not make a socket: {err}")));
        socket
            .set_recv_buffer_size(receive_buffer)
            .unwrap_or_else(|err| fail(format!("could not set SO_RCVBUF: {err}")));
        socket
            .connect_timeout(&server.addr().into(), PATIENCE)
            .unwrap_or_else(|err| fail(format!("could not connect to {}: {err}", server.addr())));
        socket.set_write_timeout(Some(PATIENCE)).unwrap();
        let mut sent = 0;
        while sent < lines.len() {
            match socket.send(&lines[sent..]) {
                Ok(n) => sent += n,
                Err(err) => fail(format!(
                    "the silent client could not send its first lines: {err}"
                )),
            }
        }
        SilentClient { socket }
    }

    /// Its address, which the server uses as its default name.
    pub fn local_addr(&self) -> SocketAddr {
        self.socket.local_addr().unwrap().as_socket().unwrap()
    }
}

/// Drops the connection abruptly: with `SO_LINGER` 0, closing sends a reset
/// (RST) rather than an orderly end of stream, as when a client crashes or
/// its network goes away.
pub fn reset(conn: TcpConn) {
    let _ = SockRef::from(conn.stream()).set_linger(Some(Duration::ZERO));
    drop(conn);
}
