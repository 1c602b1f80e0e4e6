//! Ports on which nothing answers, held for the whole test so that no other
//! test's server can take them in the meantime (picking a free port and then
//! releasing it is a check-then-use race).

use std::net::{SocketAddr, UdpSocket};

use socket2::{Domain, Socket, Type};

/// A UDP port bound by a socket that never reads: datagrams sent there vanish,
/// as when a server is gone and nothing reports it.
pub struct SilentUdpPort {
    socket: UdpSocket,
}

impl SilentUdpPort {
    /// Binds a loopback port that swallows everything.
    pub fn bind() -> SilentUdpPort {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind a silent UDP port");
        SilentUdpPort { socket }
    }

    /// Its address.
    pub fn addr(&self) -> SocketAddr {
        self.socket.local_addr().unwrap()
    }
}

/// A TCP port bound by a socket that does not listen: a connection there is
/// refused at once, and no other program can take the port while it is held.
pub struct RefusedTcpPort {
    socket: Socket,
}

impl RefusedTcpPort {
    /// Binds a loopback port that refuses connections.
    pub fn bind() -> RefusedTcpPort {
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("a TCP socket");
        let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
        socket.bind(&any.into()).expect("bind a refused TCP port");
        RefusedTcpPort { socket }
    }

    /// Its address.
    pub fn addr(&self) -> SocketAddr {
        self.socket.local_addr().unwrap().as_socket().unwrap()
    }
}
