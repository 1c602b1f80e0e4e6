//! Hostile programs for the harness itself, one bin per behaviour
//! (`src/bin/exits-at-once.rs` and friends). Each exercise's faults crate
//! declares, in its `Cargo.toml`, which of them stand in for which of its
//! programs and the test that must reject them:
//!
//! ```toml
//! [package.metadata.hostile]
//! chat-server = { fixtures = ["exits-at-once", "never-listens", "silent-server"], rejected-by = "step1_…" }
//! ```
//!
//! `cargo xtask verify` builds them once, runs each in place of the program
//! through `IPC_KIT_BIN_<PROGRAM>`, and checks that the test fails within
//! 5 s and that nothing is left running.

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
