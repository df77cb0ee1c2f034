//! Id newtypes and relation flags.
//!
//! libsolv identifies everything by a 32-bit `Id`. The newtypes keep string
//! ids, dependency ids (a string id or a relation id), solvable ids and repo
//! ids apart at compile time. They are plain values: they do not borrow the
//! pool, and using an id from another pool gives wrong answers (never UB: every
//! accessor range-checks the id before handing it to C).

use crate::ffi;

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub(crate) ffi::Id);

        impl $name {
            /// The raw libsolv id.
            pub fn raw(self) -> i32 {
                self.0
            }
            /// Wraps a raw libsolv id (e.g. one stored by the application).
            pub fn from_raw(id: i32) -> Self {
                Self(id)
            }
        }
    };
}

id_type!(
    /// Any libsolv id (used in raw job queues).
    Id
);
id_type!(
    /// An interned string (`pool_str2id`).
    StringId
);
id_type!(
    /// A dependency: either an interned string or a relation (`pool_rel2id`).
    DepId
);
id_type!(
    /// A solvable (package) in the pool.
    SolvableId
);
id_type!(
    /// A repository in the pool.
    RepoId
);

impl From<StringId> for DepId {
    fn from(s: StringId) -> Self {
        DepId(s.0)
    }
}

impl DepId {
    /// Whether this dependency is a relation (`ISRELDEP`).
    pub fn is_rel(self) -> bool {
        (self.0 as u32) & 0x8000_0000 != 0
    }
    /// The string id if this is not a relation.
    pub fn as_string(self) -> Option<StringId> {
        (!self.is_rel()).then_some(StringId(self.0))
    }
}

/// Version comparison flags of a relation (`REL_GT|REL_EQ|REL_LT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RelFlags(pub(crate) i32);

impl RelFlags {
    /// `>`
    pub const GT: RelFlags = RelFlags(ffi::REL_GT as i32);
    /// `=`
    pub const EQ: RelFlags = RelFlags(ffi::REL_EQ as i32);
    /// `<`
    pub const LT: RelFlags = RelFlags(ffi::REL_LT as i32);
    /// `>=`
    pub const GE: RelFlags = RelFlags((ffi::REL_GT | ffi::REL_EQ) as i32);
    /// `<=`
    pub const LE: RelFlags = RelFlags((ffi::REL_LT | ffi::REL_EQ) as i32);
    /// `!=` (`<>`)
    pub const NE: RelFlags = RelFlags((ffi::REL_LT | ffi::REL_GT) as i32);

    /// Parses rpm-md `flags` attributes (`EQ`, `LT`, `LE`, `GT`, `GE`) and
    /// the operators `=`, `==`, `<`, `<=`, `>`, `>=`, `!=`.
    pub fn parse(s: &str) -> Option<RelFlags> {
        Some(match s {
            "EQ" | "=" | "==" => Self::EQ,
            "LT" | "<" => Self::LT,
            "LE" | "<=" | "=<" => Self::LE,
            "GT" | ">" => Self::GT,
            "GE" | ">=" | "=>" => Self::GE,
            "NE" | "!=" | "<>" => Self::NE,
            _ => return None,
        })
    }
}

impl std::ops::BitOr for RelFlags {
    type Output = RelFlags;
    fn bitor(self, rhs: RelFlags) -> RelFlags {
        RelFlags((self.0 | rhs.0) & 7)
    }
}

/// Rich (boolean) dependency operators, rpm's `(a and b)` etc.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RichOp {
    /// `a and b` (`REL_AND`)
    And,
    /// `a or b` (`REL_OR`)
    Or,
    /// `a with b` (`REL_WITH`)
    With,
    /// `a without b` (`REL_WITHOUT`)
    Without,
    /// `a if b` (`REL_COND`)
    If,
    /// `a unless b` (`REL_UNLESS`)
    Unless,
    /// `a else b` (`REL_ELSE`), only valid as the right side of `If`/`Unless`:
    /// `(a if b else c)` is `rich(a, rich(b, c, Else), If)`.
    Else,
}

impl RichOp {
    pub(crate) fn raw(self) -> i32 {
        (match self {
            RichOp::And => ffi::REL_AND,
            RichOp::Or => ffi::REL_OR,
            RichOp::With => ffi::REL_WITH,
            RichOp::Without => ffi::REL_WITHOUT,
            RichOp::If => ffi::REL_COND,
            RichOp::Unless => ffi::REL_UNLESS,
            RichOp::Else => ffi::REL_ELSE,
        }) as i32
    }
}
