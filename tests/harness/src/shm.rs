//! Shared-memory blocks by the layout of `04-shm-array.md`, written and read
//! by the harness on its own (libc's `shm_open` and `mmap`, nothing from the
//! solutions), so that each student program is tested against an independent
//! peer.
//!
//! - [`ShmName`] is a name unique to one test (pid and counter, so parallel
//!   tests and parallel test runs never meet), and the guard that removes
//!   whatever is left under it when the test ends, passed or failed;
//! - [`ShmBlock`] is a mapping of a block: create one and write it as a
//!   writer would, or attach to a student's and read it as a reader would;
//! - [`shm_mean`] is the mean as the contract defines it.
//!
//! ```text
//! | 0 magic "SHMARRAY" | 8 version u32 = 1 | 12 state u32 | 16 len u64 | 24 reserved | 64 f64 × len |
//! ```

use std::ffi::CString;
use std::process::ExitStatus;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::process::Process;
use crate::report::Failure;

pub const SHM_MAGIC: [u8; 8] = *b"SHMARRAY";
pub const SHM_VERSION: u32 = 1;
pub const SHM_HEADER: usize = 64;
/// The state field: 0 = being written, 1 = ready, 2 = done (read).
pub const SHM_WRITING: u32 = 0;
pub const SHM_READY: u32 = 1;
pub const SHM_DONE: u32 = 2;

/// How often the harness looks at a block that it waits on, when the peer
/// does not wake it with a futex.
const POLL: Duration = Duration::from_millis(1);

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The mean as the contract defines it: summed left to right from 0.0, divided
/// by the count, printed with `{}`.
pub fn shm_mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// A block name of one test, and the guard that unlinks it when dropped.
/// Declare it first in a test, so that it is dropped last, after the programs
/// that use the block have stopped.
pub struct ShmName {
    name: String,
}

impl ShmName {
    /// `ipc-kit-<tag>-<pid>-<n>`: unique across the tests of a run (the
    /// counter) and across runs at the same time (the pid).
    pub fn unique(tag: &str) -> ShmName {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        ShmName {
            name: format!("ipc-kit-{tag}-{}-{n}", std::process::id()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The file that backs it on Linux.
    pub fn path(&self) -> String {
        format!("/dev/shm/{}", self.name)
    }

    fn c_name(&self) -> CString {
        CString::new(format!("/{}", self.name)).expect("names have no NUL")
    }

    /// Whether a block of this name exists now.
    pub fn exists(&self) -> bool {
        self.size().is_some()
    }

    /// The size of the block of this name, if there is one.
    pub fn size(&self) -> Option<u64> {
        let fd = Fd::open(&self.c_name(), libc::O_RDONLY, 0)?;
        Some(fd.size())
    }

    /// Removes the block of this name, if any.
    pub fn unlink(&self) {
        // SAFETY: a valid C string; ENOENT is fine.
        unsafe {
            libc::shm_unlink(self.c_name().as_ptr());
        }
    }

    /// Whether process `pid` has this block mapped now (from /proc/PID/maps;
    /// true where there is no /proc to ask).
    pub fn mapped_by(&self, pid: u32) -> bool {
        if !cfg!(target_os = "linux") {
            return true;
        }
        let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).unwrap_or_default();
        maps.lines().any(|line| line.ends_with(&self.path()))
    }

    /// Lines that show a student the block by hand.
    pub fn inspect_lines(&self) -> Vec<String> {
        vec![
            format!("ls -l {}", self.path()),
            format!(
                "xxd {} | head -8    # the header, then the first values",
                self.path()
            ),
        ]
    }
}

impl Drop for ShmName {
    fn drop(&mut self) {
        self.unlink();
    }
}

/// An open shared-memory file descriptor, closed on drop.
struct Fd(libc::c_int);

impl Fd {
    fn open(name: &CString, flags: libc::c_int, mode: libc::mode_t) -> Option<Fd> {
        // SAFETY: a valid C string.
        let fd = unsafe { libc::shm_open(name.as_ptr(), flags, mode) };
        (fd >= 0).then_some(Fd(fd))
    }

    fn size(&self) -> u64 {
        // SAFETY: fstat into a zeroed struct we own.
        unsafe {
            let mut stat: libc::stat = std::mem::zeroed();
            if libc::fstat(self.0, &mut stat) != 0 {
                return 0;
            }
            stat.st_size as u64
        }
    }

    fn resize(&self, size: usize) -> std::io::Result<()> {
        // SAFETY: ftruncate on a descriptor we own.
        if unsafe { libc::ftruncate(self.0, size as libc::off_t) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }
}

impl Drop for Fd {
    fn drop(&mut self) {
        // SAFETY: we own the descriptor.
        unsafe {
            libc::close(self.0);
        }
    }
}

/// A block created by the harness but not sized yet (0 bytes), as a writer
/// has it between `shm_open` and `ftruncate`.
pub struct UnsizedBlock {
    fd: Fd,
    name: String,
}

impl UnsizedBlock {
    /// Sizes it to `size` bytes (all zero: state 0) and maps it.
    pub fn size_to(self, size: usize) -> ShmBlock {
        if let Err(err) = self.fd.resize(size) {
            Failure::new(format!(
                "the harness could not size its block {}: {err}",
                self.name
            ))
            .raise();
        }
        ShmBlock::map(&self.fd, size, &self.name)
    }
}

/// A block mapped read-write by the harness.
pub struct ShmBlock {
    ptr: *mut u8,
    size: usize,
    name: String,
}

// SAFETY: the mapping is process-wide memory, usable from any thread.
unsafe impl Send for ShmBlock {}

impl ShmBlock {
    /// Creates the block `name` with `size` bytes, all zero (state 0, no
    /// header yet), as a writer does. Fails the test if it already exists.
    pub fn create(name: &ShmName, size: usize) -> ShmBlock {
        ShmBlock::create_unsized(name).size_to(size)
    }

    /// Creates the block `name` with 0 bytes: a writer still sizing it.
    pub fn create_unsized(name: &ShmName) -> UnsizedBlock {
        let flags = libc::O_CREAT | libc::O_EXCL | libc::O_RDWR;
        let Some(fd) = Fd::open(&name.c_name(), flags, 0o600) else {
            Failure::new(format!(
                "the harness could not create its block {}: {}",
                name.path(),
                std::io::Error::last_os_error()
            ))
            .raise()
        };
        // Under grading the program under test runs as another user: 0600
        // makes the block that user's alone.
        crate::sandbox::hand_over_fd(fd.0);
        UnsizedBlock {
            fd,
            name: name.as_str().to_string(),
        }
    }

    /// Creates a block of `values.len()` values with a correct header, the
    /// values written, in state 0 (not yet published).
    pub fn create_with(name: &ShmName, values: &[f64]) -> ShmBlock {
        let mut block = ShmBlock::create(name, SHM_HEADER + 8 * values.len());
        block.write_header(&SHM_MAGIC, SHM_VERSION, values.len() as u64);
        block.values_mut(values.len()).copy_from_slice(values);
        block
    }

    /// Maps the existing block `name` (all of it), if there is one.
    pub fn open(name: &ShmName) -> Option<ShmBlock> {
        let fd = Fd::open(&name.c_name(), libc::O_RDWR, 0)?;
        let size = fd.size() as usize;
        (size > 0).then(|| ShmBlock::map(&fd, size, name.as_str()))
    }

    fn map(fd: &Fd, size: usize, name: &str) -> ShmBlock {
        // SAFETY: a fresh shared mapping of a descriptor we hold; checked below.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                size.max(1),
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd.0,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            Failure::new(format!(
                "the harness could not map the block {name}: {}",
                std::io::Error::last_os_error()
            ))
            .raise();
        }
        ShmBlock {
            ptr: ptr.cast(),
            size,
            name: name.to_string(),
        }
    }

    /// The size of the mapping in bytes.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The block's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Writes magic, version and len (the state and reserved bytes are left
    /// as they are).
    pub fn write_header(&mut self, magic: &[u8; 8], version: u32, len: u64) {
        assert!(self.size >= SHM_HEADER, "a header needs 64 bytes");
        // SAFETY: inside the mapping.
        unsafe {
            std::ptr::copy_nonoverlapping(magic.as_ptr(), self.ptr, 8);
            std::ptr::copy_nonoverlapping(version.to_ne_bytes().as_ptr(), self.ptr.add(8), 4);
            std::ptr::copy_nonoverlapping(len.to_ne_bytes().as_ptr(), self.ptr.add(16), 8);
        }
    }

    /// The 64 header bytes as they are now (the state field may be changing).
    pub fn header(&self) -> [u8; 64] {
        let mut header = [0u8; 64];
        let n = self.size.min(SHM_HEADER);
        // SAFETY: inside the mapping; volatile, as another process writes it.
        for (i, byte) in header.iter_mut().enumerate().take(n) {
            *byte = unsafe { self.ptr.add(i).read_volatile() };
        }
        header
    }

    /// The magic, version and len fields.
    pub fn fields(&self) -> ([u8; 8], u32, u64) {
        let h = self.header();
        (
            h[..8].try_into().unwrap(),
            u32::from_ne_bytes(h[8..12].try_into().unwrap()),
            u64::from_ne_bytes(h[16..24].try_into().unwrap()),
        )
    }

    fn state_field(&self) -> &AtomicU32 {
        assert!(
            self.size >= SHM_HEADER,
            "the state field needs a 64-byte header"
        );
        // SAFETY: aligned (the mapping is page-aligned) and inside it; every
        // access to it is atomic.
        unsafe { AtomicU32::from_ptr(self.ptr.add(12).cast()) }
    }

    /// The state field, loaded with Acquire.
    pub fn state(&self) -> u32 {
        self.state_field().load(Ordering::Acquire)
    }

    /// Stores the state field with Release, and wakes a peer asleep on it.
    pub fn set_state(&self, state: u32) {
        self.state_field().store(state, Ordering::Release);
        futex_wake(self.state_field());
    }

    /// Waits until the state is `want` or `patience` runs out; returns the
    /// last state seen when it runs out. Sleeps on the state word (a peer's
    /// futex wake ends the sleep at once), looking again every millisecond.
    pub fn wait_for_state(&self, want: u32, patience: Duration) -> Result<(), u32> {
        let deadline = Instant::now() + patience;
        loop {
            let seen = self.state();
            if seen == want {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(seen);
            }
            futex_wait(self.state_field(), seen, POLL);
        }
    }

    /// The first `count` values (after the header).
    pub fn values(&self, count: usize) -> &[f64] {
        assert!(
            SHM_HEADER + 8 * count <= self.size,
            "{count} values do not fit the mapping"
        );
        // SAFETY: inside the mapping, aligned (offset 64 of a page).
        unsafe { std::slice::from_raw_parts(self.ptr.add(SHM_HEADER).cast(), count) }
    }

    /// The first `count` values, to write.
    pub fn values_mut(&mut self, count: usize) -> &mut [f64] {
        assert!(
            SHM_HEADER + 8 * count <= self.size,
            "{count} values do not fit the mapping"
        );
        // SAFETY: as in `values`.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.add(SHM_HEADER).cast(), count) }
    }

    /// The bytes from `start` to the end of the mapping, to write.
    pub fn bytes_mut(&mut self, start: usize) -> &mut [u8] {
        assert!(start <= self.size);
        // SAFETY: inside the mapping.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.add(start), self.size - start) }
    }
}

impl Drop for ShmBlock {
    fn drop(&mut self) {
        // SAFETY: our own mapping.
        unsafe {
            libc::munmap(self.ptr.cast(), self.size.max(1));
        }
    }
}

/// Sends SIGINT (what Ctrl-C sends) to `process` alone and waits for it to
/// exit, failing the test if it does not within `patience`.
pub fn interrupt(process: &mut Process, patience: Duration) -> ExitStatus {
    // SAFETY: kill has no memory-safety preconditions.
    unsafe {
        libc::kill(process.pid() as libc::pid_t, libc::SIGINT);
    }
    process.expect_exit("it was sent SIGINT", patience)
}

/// Waits until a block `name` exists, holds at least a header, and shows state
/// `want`; then returns it, mapped. `Err` describes what was seen instead when
/// `patience` runs out: no block, a short one, or the state it stayed in.
pub fn wait_for_block(name: &ShmName, want: u32, patience: Duration) -> Result<ShmBlock, String> {
    let deadline = Instant::now() + patience;
    let seen = loop {
        match ShmBlock::open(name) {
            Some(block) if block.size() >= SHM_HEADER => {
                let left = deadline.saturating_duration_since(Instant::now());
                match block.wait_for_state(want, left) {
                    Ok(()) => return Ok(block),
                    Err(state) => {
                        break format!("{} exists, but its state stayed {state}", name.path())
                    }
                }
            }
            Some(block) if Instant::now() >= deadline => {
                break format!(
                    "{} exists, but holds only {} bytes, less than a header",
                    name.path(),
                    block.size()
                )
            }
            None if Instant::now() >= deadline => {
                break format!("no block {} appeared", name.path())
            }
            _ => thread::sleep(POLL), // pace: /dev/shm has no event for a new name, so poll it
        }
    };
    Err(seen)
}

#[cfg(target_os = "linux")]
fn futex_wait(word: &AtomicU32, seen: u32, limit: Duration) {
    let timeout = libc::timespec {
        tv_sec: limit.as_secs() as libc::time_t,
        tv_nsec: limit.subsec_nanos() as libc::c_long,
    };
    // SAFETY: a shared futex (no FUTEX_PRIVATE_FLAG, so a wake from another
    // process reaches it) on a word that lives as long as the call.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT,
            seen,
            &timeout,
        );
    }
}

#[cfg(target_os = "linux")]
fn futex_wake(word: &AtomicU32) {
    // SAFETY: as in futex_wait.
    unsafe {
        libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAKE, i32::MAX);
    }
}

#[cfg(not(target_os = "linux"))]
fn futex_wait(_word: &AtomicU32, _seen: u32, limit: Duration) {
    thread::sleep(limit); // pace: no shared futex here, so poll the state word
}

#[cfg(not(target_os = "linux"))]
fn futex_wake(_word: &AtomicU32) {}

/// The CPU time `process` has used so far (user and system, from
/// `/proc/PID/stat`), to tell a waiter that sleeps from one that spins.
/// `None` once it has exited.
pub fn cpu_seconds(process: &Process) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", process.pid())).ok()?;
    // The command name, in parentheses, may hold spaces: count from after it.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after `)`.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf has no preconditions.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    Some(ticks as f64 / per_second.max(1) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_round_trips_and_the_guard_removes_it() {
        let name = ShmName::unique("selftest");
        let block = ShmBlock::create_with(&name, &[1.0, 2.0, 4.5]);
        assert!(name.exists());
        assert_eq!(name.size(), Some(64 + 24));
        block.set_state(SHM_READY);
        let other = wait_for_block(&name, SHM_READY, Duration::from_secs(1)).unwrap();
        assert_eq!(other.fields(), (SHM_MAGIC, SHM_VERSION, 3));
        assert_eq!(other.values(3), &[1.0, 2.0, 4.5]);
        assert_eq!(shm_mean(other.values(3)), 2.5);
        let path = name.path();
        drop(name);
        assert!(!std::path::Path::new(&path).exists());
    }
}
