//! Fault: the length is checked, but only once the body has been allocated and read. A 65,537-byte
//! frame is still refused; a neighbour that claims 4 GiB and streams makes the peer hold all of it.
//!
//! replaces: group-chat
//! rejected-by: step5_a_length_of_4_gib_is_never_trusted
//! accepted-by: step5_a_length_over_65536_closes_that_connection_only

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
        let length = u32::from_be_bytes(length);
        let mut body = vec![0u8; length as usize];
        reader
            .read_exact(&mut body)
            .map_err(|err| match err.kind() {
                ErrorKind::UnexpectedEof => FrameError::Cut,
                _ => FrameError::Io(err),
            })?;
        // The mistake: the bound, checked too late.
        if length as usize > MAX_FRAME {
            return Err(FrameError::TooLong(length));
        }
        Ok(body)
    }
}

fn main() -> std::process::ExitCode {
    peer::run(Args::parse())
}
