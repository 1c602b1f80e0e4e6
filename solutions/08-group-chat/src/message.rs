//! What a frame says: one JSON object, with a `type` and that type's fields.
//!
//! The JSON is made and read by `serde_json`, never by hand: a chat line may
//! hold `"`, `\` or a tab, which a `format!` would paste in unescaped and so
//! send text that is not JSON at all.

use serde_json::{json, Map, Value};

/// The four kinds of frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// The first frame on every connection, both ways.
    Hello { name: String, listen: String },
    /// A chat message; `id` is `author/counter`, unique in the group.
    Msg {
        id: String,
        from: String,
        text: String,
    },
    /// The listen addresses of the sender's other neighbours.
    Peers { listen: Vec<String> },
    /// `name` has left the group.
    Leave { name: String },
}

/// `frame` as JSON bytes.
pub fn encode(frame: &Frame) -> Vec<u8> {
    let value = match frame {
        Frame::Hello { name, listen } => json!({"type": "hello", "name": name, "listen": listen}),
        Frame::Msg { id, from, text } => {
            json!({"type": "msg", "id": id, "from": from, "text": text})
        }
        Frame::Peers { listen } => json!({"type": "peers", "listen": listen}),
        Frame::Leave { name } => json!({"type": "leave", "name": name}),
    };
    value.to_string().into_bytes()
}

/// The frame that `body` holds, or why it is not one: not UTF-8, not JSON,
/// not an object, an unknown type, or a field missing or of the wrong kind.
pub fn decode(body: &[u8]) -> Result<Frame, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|err| format!("not UTF-8 JSON: {err}"))?;
    let Value::Object(object) = value else {
        return Err("not a JSON object".into());
    };
    let text = |field: &str| -> Result<String, String> {
        match object.get(field) {
            Some(Value::String(s)) => Ok(s.clone()),
            _ => Err(format!("no string field `{field}`")),
        }
    };
    match object.get("type").and_then(Value::as_str) {
        Some("hello") => Ok(Frame::Hello {
            name: text("name")?,
            listen: text("listen")?,
        }),
        Some("msg") => Ok(Frame::Msg {
            id: text("id")?,
            from: text("from")?,
            text: text("text")?,
        }),
        Some("peers") => Ok(Frame::Peers {
            listen: addresses(&object)?,
        }),
        Some("leave") => Ok(Frame::Leave {
            name: text("name")?,
        }),
        Some(other) => Err(format!("unknown type `{other}`")),
        None => Err("no string field `type`".into()),
    }
}

/// The `listen` field of a `peers` frame: an array of strings.
fn addresses(object: &Map<String, Value>) -> Result<Vec<String>, String> {
    let Some(Value::Array(items)) = object.get("listen") else {
        return Err("no array field `listen`".into());
    };
    items
        .iter()
        .map(|item| match item {
            Value::String(s) => Ok(s.clone()),
            _ => Err("`listen` holds something other than strings".into()),
        })
        .collect()
}
