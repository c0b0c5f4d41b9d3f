//! The xAPI: paths, the schema, the value trees, the feedback bus and its errors.
//!
//! Everything meets at the [`Bus`]: services register command handlers and own parts of the
//! Status tree; remote clients, macros and the touch panel read, write, command and subscribe
//! through it, each as a [`Caller`] with roles.

mod bus;
mod command;
mod error;
mod feedback;
mod path;
mod render;
mod role;
mod schema;
mod status;
mod subscriber;
mod tree;
mod value;

pub use bus::{Bus, ConfigSink, Limits};
pub use command::{Caller, CommandResult, Invocation, ParamValue, Params};
pub use error::{ErrorKind, XapiError};
pub use feedback::{Notification, Pattern, SubId, retype};
pub use path::{Root, Seg, parse_json, parse_text};
pub use role::{Role, RoleSet};
pub use schema::{CSeg, Schema};
pub use status::{Batch, StatusWriter};
pub use subscriber::SubscriberHandle;
pub use value::{Typing, Value, ValueSpace};
