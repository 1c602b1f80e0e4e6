//! Hostile programs for the harness itself: each exercise's fault crate has a
//! thin binary per behaviour, and `cargo xtask verify` checks that the tests
//! reject each one within seconds and that nothing is left running.

use std::net::{TcpListener, UdpSocket};

/// Exits at once with a failure, before doing anything.
pub fn exits_at_once() -> ! {
    eprintln!("hostile: exiting at once");
    std::process::exit(3)
}

/// Runs for ever and never prints `listening on`.
pub fn never_listens() -> ! {
    eprintln!("hostile: running, never printing `listening on`");
    park_for_ever()
}

/// Binds a port (TCP and UDP alike), prints `listening on` for it, then never
/// reads or answers anything.
pub fn listens_but_never_answers() -> ! {
    let udp = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let addr = udp.local_addr().expect("address");
    // The same port for TCP, so the fixture stands in for any kind of server;
    // the kernel completes connections into the backlog, nobody accepts them.
    let tcp = TcpListener::bind(addr).ok();
    println!("listening on {addr}");
    eprintln!("hostile: listening on {addr}, answering nothing");
    let _keep = (udp, tcp);
    park_for_ever()
}

/// A client that never exits.
pub fn never_exits() -> ! {
    eprintln!("hostile: never exiting");
    park_for_ever()
}

fn park_for_ever() -> ! {
    loop {
        std::thread::park();
    }
}
