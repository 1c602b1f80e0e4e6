//! Fault: the length prefix is trusted: no check against 65,536 before the body is allocated and
//! read. A neighbour that claims 4 GiB makes the peer set that much aside and read whatever comes.
//!
//! replaces: group-chat
//! rejected-by: step5_a_length_over_65536_closes_that_connection_only

use clap::Parser;
use group_chat::{mesh, message, outbox, route, Args};

#[path = "../../../../../solutions/08-group-chat/src/peer.rs"]
mod peer;

mod frame {
    use std::io::{ErrorKind, Read};

    pub use group_chat::frame::*;

    pub fn read_frame(reader: &mut impl Read) -> Result<Vec<u8>, FrameError> {
        let mut length = [0u8; 4];
        let mut got = 0;
        while got < 4 {
            match reader.read(&mut length[got..]) {
                Ok(0) if got == 0 => return Err(FrameError::Closed),
                Ok(0) => return Err(FrameError::Cut),
                Ok(n) => got += n,
                Err(err) if err.kind() == ErrorKind::Interrupted => {}
                Err(err) => return Err(FrameError::Io(err)),
            }
        }
        // The mistake: no bound on what the length may claim.
        let mut body = vec![0u8; u32::from_be_bytes(length) as usize];
        reader
            .read_exact(&mut body)
            .map_err(|err| match err.kind() {
                ErrorKind::UnexpectedEof => FrameError::Cut,
                _ => FrameError::Io(err),
            })?;
        Ok(body)
    }
}

fn main() -> std::process::ExitCode {
    peer::run(Args::parse())
}
