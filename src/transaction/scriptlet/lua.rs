//! `-p <lua>` scriptlets in an embedded Lua 5.4 with rpm's Lua API.

use super::{Runner, Script, ScriptError};

pub(super) fn run(r: &Runner, pkg: &str, s: &Script, args: &[i64], stdin: Option<&[u8]>) -> Result<(), ScriptError> {
    let _ = (r, pkg, s, args, stdin);
    unimplemented!("helper B")
}
