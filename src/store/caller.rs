//! Who makes a request: a token's role and id, recorded with every change.

use serde::Serialize;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads everything, changes nothing.
    Viewer,
    /// Creates incidents, drafts, issues and releases plans.
    Officer,
    /// Everything an officer does, and inventory corrections.
    Admin,
}

impl Role {
    /// The role's name as stored and as given on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Officer => "officer",
            Role::Admin => "admin",
        }
    }

    /// The role named `s`.
    pub fn parse(s: &str) -> Option<Role> {
        [Role::Viewer, Role::Officer, Role::Admin]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// Who made a request: the token's id and role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// Token id (recorded with every change).
    pub token_id: i64,
    /// Its role.
    pub role: Role,
}
