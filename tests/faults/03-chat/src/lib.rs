//! The mistakes of the faulty hubs: each server in `src/bin` that compiles
//! `src/hub.rs` names the one it makes (see `README.md`).

/// The mistake a faulty hub makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mistake {
    /// A message goes to every client, whatever its room.
    BroadcastToEveryRoom,
    /// A message goes back to its sender too.
    SenderGetsOwnMessage,
    /// A room with no members stays in `/rooms` (with count 0).
    EmptyRoomKept,
    /// A client that disconnects without `/quit` is forgotten silently.
    NoLeaveOnDisconnect,
    /// `/join` to another room tells the new room, not the old one.
    SwitchWithoutLeave,
    /// `/join` to the room you are in leaves it and joins it again.
    RejoinAnnounces,
    /// `/nick` takes any valid name, even one in use.
    NamesNotUnique,
    /// `/rooms` sorts the rooms ignoring case.
    RoomsSortedIgnoringCase,
}
