//! The test harness of ipc-kit: everything the exercises' tests lean on, so that
//! each test reads like the README step it checks.
//!
//! - [`program!`] names a binary under test (overridable with `IPC_KIT_BIN_<NAME>`);
//! - [`Server::start`] runs a server on a free port and waits for `listening on`;
//! - [`Client`] runs a client to completion under a deadline;
//! - [`UdpConn`] and [`TcpConn`] talk to a server with a deadline on every read
//!   and write, keeping a transcript for the failure report;
//! - [`EchoPeer`] is a UDP echo written independently of the solutions, which
//!   can delay, drop, duplicate or withhold replies;
//! - [`Failure`] renders what a student reads when a test fails.
//!
//! Every test starts by naming its README step with [`step`], and every failure
//! report quotes it.

#[cfg(not(target_os = "linux"))]
compile_error!(
    "ipc-kit's harness runs on Linux only (it uses pidfds, prctl and /proc): \
     on Windows use WSL2, on macOS a Linux container or VM"
);

mod accept;
pub mod address_book;
mod busy;
pub mod calc;
mod capture;
mod census;
pub mod chat;
mod contain;
mod crash;
mod files;
pub mod group_chat;
pub mod http;
mod memory;
mod output;
pub mod piped;
pub mod pipes;
mod ports;
mod process;
mod relay;
mod report;
mod sandbox;
mod scripted;
pub mod shm;
mod tcp;
mod threads;
mod udp;
mod unread;

pub use capture::{LINE_CAP, STDOUT_LIMIT};
pub use census::{census, Census};
pub use contain::MEMORY_CEILING;
pub use crash::{kill_9, Crash};
pub use files::{
    tree, wait_for_tree, ChangedUpload, ChangingFilePeer, FileChange, PeerReply, Upload, UploadPeer,
};
pub use memory::{expect_peak_growth_under, expect_peak_under, peak_rss_kib, peak_rss_mib};
pub use output::expect_stdout;
pub use ports::{RefusedTcpPort, SilentUdpPort};
pub use process::{describe_status, exited_within, Client, Process, Program, Run, Server};
pub use relay::{Relay, RelayPlan};
pub use report::{escape, step, Context, Failure};
pub use sandbox::{hand_over, scratch_dir, ScratchDir, REQUIRE_BIN_VAR, SANDBOX_VAR};
pub use scripted::ScriptedServer;
pub use tcp::{by_hand, Reply, TcpConn};
pub use threads::{join, spawn_in_step};
pub use udp::{EchoPeer, EchoScript, UdpConn};

pub use assert_cmd;
pub use predicates;
pub use serde_json;

use std::time::Duration;

/// How long the harness waits for anything a correct program does at once (a
/// reply, a `listening on` line). Generous, as a correct program answers in
/// milliseconds even on a loaded machine: it only bounds how long a failure
/// takes to show, and keeps a test against a silent program under 5 s.
pub const PATIENCE: Duration = Duration::from_secs(4);

/// The program under test called `name`: the binary cargo built for the crate
/// being tested, unless `IPC_KIT_BIN_<NAME>` names another one.
///
/// ```ignore
/// let server = Server::start(program!("latency-server"), &[]);
/// ```
#[macro_export]
macro_rules! program {
    ($name:literal) => {
        $crate::Program::new($name, env!(concat!("CARGO_BIN_EXE_", $name)))
    };
}
