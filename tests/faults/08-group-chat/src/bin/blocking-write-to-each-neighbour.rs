//! Fault: no queue and no writer thread: a frame is written to each neighbour's socket at once,
//! with a blocking write, by whoever sends it (and under the mesh's lock). A neighbour that
//! stops reading fills its socket buffer, the write blocks, and the whole peer stalls with it.
//!
//! replaces: group-chat
//! rejected-by: step5_a_silent_neighbour_is_dropped_and_stalls_no_one

use clap::Parser;
use group_chat::{frame, message, route, Args};

#[path = "../../../../../solutions/08-group-chat/src/mesh.rs"]
mod mesh;
#[path = "../../../../../solutions/08-group-chat/src/peer.rs"]
mod peer;

mod outbox {
    use std::io::Write;
    use std::net::{Shutdown, TcpStream};
    use std::sync::Arc;
    use std::time::Duration;

    pub use group_chat::outbox::Pushed;

    pub struct Outbox {
        stream: TcpStream,
    }

    impl Outbox {
        pub fn start(stream: TcpStream) -> Arc<Outbox> {
            Arc::new(Outbox { stream })
        }

        /// The mistake: the write happens here, blocking, for as long as it takes.
        pub fn push(&self, frame: Arc<Vec<u8>>) -> Pushed {
            match (&self.stream).write_all(&frame) {
                Ok(()) => Pushed::Queued,
                Err(_) => Pushed::Gone,
            }
        }

        pub fn take_queued(&self) -> Vec<Arc<Vec<u8>>> {
            Vec::new()
        }

        pub fn close(&self) {
            let _ = self.stream.shutdown(Shutdown::Write);
        }

        pub fn abort(&self) {
            let _ = self.stream.shutdown(Shutdown::Both);
        }

        pub fn wait_done(&self, _patience: Duration) {}
    }
}

fn main() -> std::process::ExitCode {
    peer::run(Args::parse())
}
