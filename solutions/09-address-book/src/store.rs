//! The book every connection shares, and the promise behind `OK`.
//!
//! One lock guards the book, so that two clients' changes never interleave
//! half-way (a read-modify-write of a shared map without one loses changes).
//! Under that lock a request is carried out and, if it changed the book, its
//! record is added to `pending`; its answer is decided there and then. The
//! answer is *sent* only once everything up to that change is on disk: that
//! holds for reads too, so a read never shows a change that could still be
//! lost.
//!
//! Group commit: writing and fsyncing happen *outside* the lock, by whichever
//! waiting thread finds nobody else doing it (the leader). It takes every
//! pending record at once, writes them in one `write`, calls `fdatasync` once,
//! and wakes everyone whose change that covered. While it waits for the disk,
//! other clients' changes pile up in `pending`, and the next leader commits
//! them all with one fsync: twenty clients pay for about one fsync per round,
//! not twenty.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::{Condvar, Mutex, MutexGuard};

use crate::book::Book;
use crate::log;
use crate::protocol::Request;

/// The shared book and its log.
pub struct Store {
    state: Mutex<State>,
    /// Signalled whenever `durable` moves on.
    committed: Condvar,
}

struct State {
    book: Book,
    /// The log, or `None` while a leader is writing to it.
    log: Option<File>,
    /// Records of changes not yet handed to a leader.
    pending: Vec<u8>,
    /// How many changes were made since the start...
    made: u64,
    /// ...and how many of them are on disk.
    durable: u64,
}

impl Store {
    /// Loads the book at `path` and makes the file ready to append to: created
    /// if missing, its torn last record cut off, compacted if it has grown
    /// well beyond the book. The error is for `error: …`; an unloadable file
    /// is left as it is.
    pub fn open(path: &Path) -> Result<Store, String> {
        let shown = path.display();
        let loaded = log::load_log(path).map_err(|why| format!("cannot load {shown}: {why}"))?;
        let prepared = if loaded.len == 0 || loaded.records > 2 * loaded.book.len() + 1000 {
            log::write_snapshot(path, &loaded.book)
        } else if loaded.whole < loaded.len {
            log::truncate(path, loaded.whole)
        } else {
            Ok(())
        };
        prepared.map_err(|err| format!("cannot write {shown}: {err}"))?;
        let log =
            log::open_for_append(path).map_err(|err| format!("cannot open {shown}: {err}"))?;
        Ok(Store::new(loaded.book, log))
    }

    /// A store around a loaded book and its log, open for appending.
    pub fn new(book: Book, log: File) -> Store {
        Store {
            state: Mutex::new(State {
                book,
                log: Some(log),
                pending: Vec::new(),
                made: 0,
                durable: 0,
            }),
            committed: Condvar::new(),
        }
    }

    /// Carries out `request` and returns its answer, once every change the
    /// answer depends on is durable.
    pub fn handle(&self, request: &Request) -> String {
        let mut state = self.lock();
        let outcome = state.book.apply(request);
        if outcome.changed {
            let record = log::record(request);
            state.pending.extend_from_slice(&record);
            state.made += 1;
        }
        let needed = state.made;
        self.wait_until_durable(state, needed);
        outcome.answer
    }

    /// Returns once the first `needed` changes are on disk, leading a commit
    /// when nobody else is.
    fn wait_until_durable<'a>(&'a self, mut state: MutexGuard<'a, State>, needed: u64) {
        while state.durable < needed {
            let Some(mut file) = state.log.take() else {
                // A leader is writing: it, or the next one, commits ours.
                state = self.committed.wait(state).unwrap();
                continue;
            };
            let batch = std::mem::take(&mut state.pending);
            let upto = state.made;
            drop(state); // others may add their changes while we wait for the disk
            if let Err(err) = file.write_all(&batch).and_then(|()| file.sync_data()) {
                // The promise cannot be kept: stop rather than answer `OK`.
                eprintln!("error: cannot write the book: {err}");
                std::process::exit(1);
            }
            state = self.lock();
            state.log = Some(file);
            state.durable = upto;
            self.committed.notify_all();
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves the book consistent (every
        // change is one `insert` or `remove`), so a poisoned lock is usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
