//! User roles, and sets of them as the schema's `role` and `read` lists name them.

use std::fmt;

/// A RoomOS user role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Admin,
    User,
    Integrator,
    RoomControl,
    Audit,
    TouchUser,
    PairedUser,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::User,
        Role::Integrator,
        Role::RoomControl,
        Role::Audit,
        Role::TouchUser,
        Role::PairedUser,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::User => "User",
            Role::Integrator => "Integrator",
            Role::RoomControl => "RoomControl",
            Role::Audit => "Audit",
            Role::TouchUser => "TouchUser",
            Role::PairedUser => "PairedUser",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(name))
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of roles, as a bit mask: checking a permission is one AND.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct RoleSet(u8);

impl RoleSet {
    pub const EMPTY: RoleSet = RoleSet(0);
    /// Internal services act with every right.
    pub const ALL: RoleSet = RoleSet(0x7f);

    pub fn of(roles: &[Role]) -> RoleSet {
        RoleSet(roles.iter().fold(0, |acc, r| acc | r.bit()))
    }

    /// Reads a schema list like `["Admin", "User"]`; unknown names are ignored.
    pub fn from_names<S: AsRef<str>>(names: &[S]) -> RoleSet {
        RoleSet(
            names
                .iter()
                .filter_map(|n| Role::parse(n.as_ref()))
                .fold(0, |acc, r| acc | r.bit()),
        )
    }

    pub fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    /// True when the two sets share a role: the caller holds one of the roles allowed.
    pub fn intersects(self, other: RoleSet) -> bool {
        self.0 & other.0 != 0
    }

    pub fn insert(&mut self, role: Role) {
        self.0 |= role.bit();
    }

    pub fn remove(&mut self, role: Role) {
        self.0 &= !role.bit();
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.contains(*r))
    }

    pub fn names(self) -> Vec<&'static str> {
        self.iter().map(Role::name).collect()
    }
}

impl fmt::Debug for RoleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.names()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_intersect_by_shared_roles() {
        let admin_only = RoleSet::from_names(&["Admin"]);
        let user = RoleSet::of(&[Role::User]);
        let both = RoleSet::from_names(&["admin", "USER", "Nonsense"]);
        assert!(!admin_only.intersects(user));
        assert!(both.intersects(user));
        assert_eq!(both.names(), vec!["Admin", "User"]);
    }
}
