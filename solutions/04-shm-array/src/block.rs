//! The block in shared memory, by the contract's layout:
//!
//! | offset | size    | field                                              |
//! | ------ | ------- | -------------------------------------------------- |
//! | 0      | 8       | magic, the bytes `SHMARRAY`                        |
//! | 8      | 4       | version, u32 = 1                                   |
//! | 12     | 4       | state, u32, atomic: 0 writing, 1 ready, 2 done     |
//! | 16     | 8       | len, u64: the number of values                     |
//! | 24     | 40      | reserved, zero                                     |
//! | 64     | 8 × len | the values, f64                                    |
//!
//! Native byte order throughout. The values start at offset 64, and a mapping
//! starts on a page boundary, so they are aligned for `f64`.
//!
//! Shared memory lies outside Rust's view of who may change what: another
//! process can write any byte at any time. So the mapping is kept as a raw
//! [`MmapRaw`], the state is only ever touched as an [`AtomicU32`], and
//! ordinary references to the values are made only where the protocol gives
//! them to us alone: to the writer while the state is 0, to the reader once
//! it has seen 1.

use std::fs::File;
use std::io;
use std::sync::atomic::AtomicU32;
use std::thread;
use std::time::{Duration, Instant};

use memmap2::{MmapOptions, MmapRaw};
use rustix::fs::Mode;
use rustix::shm;

pub const MAGIC: [u8; 8] = *b"SHMARRAY";
pub const VERSION: u32 = 1;
pub const HEADER_SIZE: usize = 64;

/// The state field's values.
pub const WRITING: u32 = 0;
pub const READY: u32 = 1;
pub const DONE: u32 = 2;

const VERSION_AT: usize = 8;
const STATE_AT: usize = 12;
const LEN_AT: usize = 16;

/// Where Linux keeps a block called `name`, for messages: `/dev/shm/NAME`.
pub fn shm_path(name: &str) -> String {
    format!("/dev/shm/{name}")
}

/// The size of a block of `len` values, `None` if it does not fit a `usize`.
pub fn block_size(len: u64) -> Option<usize> {
    usize::try_from(len)
        .ok()?
        .checked_mul(8)?
        .checked_add(HEADER_SIZE)
}

/// The state field of a mapped block.
fn state_of(map: &MmapRaw) -> &AtomicU32 {
    // SAFETY: the mapping is at least HEADER_SIZE bytes and page-aligned, so
    // offset 12 holds an aligned u32, valid for as long as `map` lives; every
    // access to it, here and in the peer, is atomic.
    unsafe { AtomicU32::from_ptr(map.as_mut_ptr().add(STATE_AT).cast()) }
}

/// The writer's block: created by it, and unlinked when it is dropped, on
/// every path out of the writer: success, timeout, error or signal.
pub struct WriterBlock {
    map: MmapRaw,
    len: usize,
    _name: Unlink,
}

impl WriterBlock {
    /// Creates `/NAME` for `len` values, sizes and maps it, and writes the
    /// header with state = 0 (writing). Refuses a block that already exists:
    /// it may be another writer's, or a leftover of a crash.
    pub fn create(name: &str, len: u64) -> Result<WriterBlock, String> {
        let size = block_size(len).ok_or(format!("--len {len} is too large for this machine"))?;
        let flags = shm::OFlags::CREATE | shm::OFlags::EXCL | shm::OFlags::RDWR;
        let fd =
            shm::open(format!("/{name}"), flags, Mode::from_raw_mode(0o600)).map_err(|err| {
                if err == rustix::io::Errno::EXIST {
                    format!(
                        "the block {name} already exists: remove it (rm {}) or pick another name",
                        shm_path(name)
                    )
                } else {
                    format!("cannot create the block {name}: {err}")
                }
            })?;
        // From here on the name is ours: whatever fails below, this unlinks it.
        let unlink = Unlink(name.to_string());
        let file = File::from(fd);
        let map = file
            .set_len(size as u64)
            .and_then(|()| MmapOptions::new().len(size).map_raw(&file))
            .map_err(|err| format!("cannot size and map {size} bytes for {name}: {err}"))?;
        // A new block is all zeros: state = 0 and the reserved bytes are set
        // already. The rest of the header, in native byte order:
        let header = map.as_mut_ptr();
        // SAFETY: offsets inside the header; nobody reads it before state = 1.
        unsafe {
            header.cast::<[u8; 8]>().write(MAGIC);
            header
                .add(VERSION_AT)
                .cast::<[u8; 4]>()
                .write(VERSION.to_ne_bytes());
            header
                .add(LEN_AT)
                .cast::<[u8; 8]>()
                .write(len.to_ne_bytes());
        }
        Ok(WriterBlock {
            map,
            len: len as usize,
            _name: unlink,
        })
    }

    /// The values, to fill while the state is 0.
    pub fn values_mut(&mut self) -> &mut [f64] {
        // SAFETY: the mapping holds HEADER_SIZE + 8 × len bytes; until the
        // state says ready, no reader touches the values, and `&mut self`
        // keeps this the only reference on our side.
        let bytes = unsafe {
            std::slice::from_raw_parts_mut(self.map.as_mut_ptr().add(HEADER_SIZE), 8 * self.len)
        };
        // bytemuck checks alignment and length: this cannot reinterpret
        // misaligned or odd-sized bytes as floats.
        bytemuck::cast_slice_mut(bytes)
    }

    /// The state field, to publish with and to wait on.
    pub fn state(&self) -> &AtomicU32 {
        state_of(&self.map)
    }
}

/// A block name that is unlinked when this is dropped.
struct Unlink(String);

impl Drop for Unlink {
    fn drop(&mut self) {
        // Unlinking removes the name; the memory goes when the last process
        // unmaps it, so a reader still holding it is not disturbed.
        let _ = shm::unlink(format!("/{}", self.0));
    }
}

/// The reader's view of a block it found: its header, mapped read-write
/// (the reader writes the state), and the file to map the values from.
pub struct ReaderBlock {
    file: File,
    header: MmapRaw,
}

impl ReaderBlock {
    /// Opens `/NAME` if it exists and holds at least a header. `Ok(None)`
    /// means not yet: no block, or a block the writer has not sized yet.
    pub fn find(name: &str) -> Result<Option<ReaderBlock>, String> {
        let fd = match shm::open(format!("/{name}"), shm::OFlags::RDWR, Mode::empty()) {
            Ok(fd) => fd,
            Err(rustix::io::Errno::NOENT) => return Ok(None),
            Err(err) => return Err(format!("cannot open the block {name}: {err}")),
        };
        let file = File::from(fd);
        if file_size(&file)? < HEADER_SIZE as u64 {
            return Ok(None);
        }
        let header = MmapOptions::new()
            .len(HEADER_SIZE)
            .map_raw(&file)
            .map_err(|err| format!("cannot map the header of {name}: {err}"))?;
        Ok(Some(ReaderBlock { file, header }))
    }

    /// Polls for the block until it exists with at least a header, or
    /// `deadline` passes. The pause between looks doubles from 1 ms up to
    /// 16 ms: quick when the writer is quick, cheap when it is slow. (There is
    /// no event for "a name appeared in shared memory" short of inotify on
    /// /dev/shm, which is Linux-only.)
    pub fn wait_until_found(name: &str, deadline: Instant) -> Result<ReaderBlock, String> {
        let mut pause = Duration::from_millis(1);
        loop {
            if let Some(block) = ReaderBlock::find(name)? {
                return Ok(block);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!(
                    "no block {name} ({}) appeared within the timeout",
                    shm_path(name)
                ));
            }
            thread::sleep(pause.min(left));
            pause = (pause * 2).min(Duration::from_millis(16));
        }
    }

    /// The state field, to wait on and to mark done.
    pub fn state(&self) -> &AtomicU32 {
        state_of(&self.header)
    }

    /// Once the state was seen ready: checks the header against the block's
    /// size and maps the values. Every field comes from another program, so
    /// nothing in it is trusted: a wrong magic or version, or a `len` whose
    /// values would run past the end of the block, is an error, not a crash.
    pub fn values(&self) -> Result<Mapped, String> {
        let header = self.header.as_ptr();
        // SAFETY: offsets inside the 64-byte header mapping; the writer does
        // not change these fields after it published the block.
        let (magic, version, len) = unsafe {
            (
                header.cast::<[u8; 8]>().read(),
                u32::from_ne_bytes(header.add(VERSION_AT).cast::<[u8; 4]>().read()),
                u64::from_ne_bytes(header.add(LEN_AT).cast::<[u8; 8]>().read()),
            )
        };
        if magic != MAGIC {
            return Err(format!(
                "bad magic {:?}: expected \"SHMARRAY\"",
                magic.escape_ascii().to_string()
            ));
        }
        if version != VERSION {
            return Err(format!("unsupported version {version}: expected {VERSION}"));
        }
        let file_size = file_size(&self.file)?;
        let needed = block_size(len).filter(|&size| size as u64 <= file_size);
        let Some(size) = needed else {
            return Err(format!(
                "len {len} does not fit the block: {len} values need 64 + 8 × {len} bytes, the block has {file_size}"
            ));
        };
        // A plain mapping: the pages are mapped as the sum first touches
        // them. Those page faults are most of what reading shared memory
        // costs over summing a Vec (bench/shm-array: about 2 x the time on
        // 32 MB), but fewer than it seems: the kernel maps the 16 pages around
        // each fault of a shared file mapping, so 32 MB takes about 500
        // faults, not 8,192. Asking for all of them up front (`.populate()`,
        // MAP_POPULATE) moves the same work before the sum and measured no
        // faster, in Rust or in C.
        let map = MmapOptions::new()
            .len(size)
            .map_raw_read_only(&self.file)
            .map_err(|err| format!("cannot map {size} bytes: {err}"))?;
        Ok(Mapped {
            map,
            len: len as usize,
        })
    }
}

/// The values of a published block, mapped read-only.
pub struct Mapped {
    map: MmapRaw,
    len: usize,
}

impl Mapped {
    pub fn as_slice(&self) -> &[f64] {
        // SAFETY: the mapping holds HEADER_SIZE + 8 × len bytes, and the
        // writer does not write the values after it published them.
        let bytes =
            unsafe { std::slice::from_raw_parts(self.map.as_ptr().add(HEADER_SIZE), 8 * self.len) };
        bytemuck::cast_slice(bytes)
    }
}

fn file_size(file: &File) -> Result<u64, String> {
    file.metadata()
        .map(|m| m.len())
        .map_err(|err: io::Error| format!("cannot stat the block: {err}"))
}
