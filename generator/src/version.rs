//! The version policy of generated crates: the crate version follows the contract's
//! `info.version` (1.2 → 1.2.0) while that is semver-true, and moves further when the contract diff
//! says the Rust API broke (a contract calling itself 1.3 while a field type changed → 2.0.0).

use std::fmt;

use crate::diff::Bump;

/// A crate version, `major.minor.patch` (pre-release and build parts are never generated).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CrateVersion {
    /// Major.
    pub major: u64,
    /// Minor.
    pub minor: u64,
    /// Patch.
    pub patch: u64,
}

impl fmt::Display for CrateVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl CrateVersion {
    /// Parses `x.y.z` exactly (a published crate's version).
    pub fn parse(text: &str) -> Option<CrateVersion> {
        let mut parts = text.trim().split('.').map(|p| p.parse::<u64>().ok());
        let v = CrateVersion {
            major: parts.next()??,
            minor: parts.next()??,
            patch: parts.next()??,
        };
        parts.next().is_none().then_some(v)
    }

    /// The version a contract's `info.version` names: its leading numbers (`1.2` → 1.2.0,
    /// `2` → 2.0.0, `1.0.0-SNAPSHOT` → 1.0.0, `${project.version}` → 0.0.0).
    pub fn of_contract(version: &str) -> CrateVersion {
        let nums: Vec<u64> = version
            .split(['.', '-', '+'])
            .map_while(|p| p.trim().parse().ok())
            .collect();
        let at = |i: usize| nums.get(i).copied().unwrap_or(0);
        CrateVersion {
            major: at(0),
            minor: at(1),
            patch: at(2),
        }
    }

    /// The next version after `self` for a change of that size, in Cargo's reading of semver
    /// (below 1.0.0 the minor number is the breaking one).
    pub fn bumped(self, bump: Bump) -> CrateVersion {
        let v = self;
        match (bump, v.major) {
            (Bump::Major, 0) => CrateVersion::new(0, v.minor + 1, 0),
            (Bump::Major, m) => CrateVersion::new(m + 1, 0, 0),
            (Bump::Minor, 0) | (Bump::Patch, _) => CrateVersion::new(v.major, v.minor, v.patch + 1),
            (Bump::Minor, m) => CrateVersion::new(m, v.minor + 1, 0),
        }
    }

    const fn new(major: u64, minor: u64, patch: u64) -> CrateVersion {
        CrateVersion {
            major,
            minor,
            patch,
        }
    }

    /// Whether Cargo treats `other` as a compatible upgrade of `self` (`^self` matches it).
    pub fn is_compatible_upgrade(self, other: CrateVersion) -> bool {
        other >= self
            && match self.major {
                0 => other.major == 0 && other.minor == self.minor,
                m => other.major == m,
            }
    }
}

/// The version of a crate regenerated from a new contract: the contract's own version when it is
/// a large enough step from `previous`, else `previous` moved by `bump`.
pub fn next_version(previous: CrateVersion, contract_version: &str, bump: Bump) -> CrateVersion {
    let wanted = previous.bumped(bump);
    let contract = CrateVersion::of_contract(contract_version);
    // The contract's number only counts when it is a step of at least the required size.
    if contract > wanted && allows(previous, contract, bump) {
        contract
    } else {
        wanted
    }
}

/// Whether publishing `candidate` after `previous` respects a change that needs `bump`.
pub fn allows(previous: CrateVersion, candidate: CrateVersion, bump: Bump) -> bool {
    candidate > previous && (bump != Bump::Major || !previous.is_compatible_upgrade(candidate))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> CrateVersion {
        CrateVersion::parse(s).unwrap()
    }

    #[test]
    fn a_contract_version_gives_the_crate_version() {
        assert_eq!(CrateVersion::of_contract("1.2"), v("1.2.0"));
        assert_eq!(CrateVersion::of_contract("2"), v("2.0.0"));
        assert_eq!(CrateVersion::of_contract("1.0.0-SNAPSHOT"), v("1.0.0"));
        assert_eq!(CrateVersion::of_contract("${project.version}"), v("0.0.0"));
        assert_eq!(CrateVersion::of_contract("1.4.2.7"), v("1.4.2"));
    }

    #[test]
    fn a_compatible_contract_step_keeps_the_contracts_number() {
        assert_eq!(next_version(v("1.2.0"), "1.3", Bump::Minor), v("1.3.0"));
        assert_eq!(next_version(v("1.2.0"), "1.2", Bump::Patch), v("1.2.1"));
        assert_eq!(next_version(v("1.2.0"), "2.0", Bump::Minor), v("2.0.0"));
    }

    #[test]
    fn a_rust_break_in_a_minor_contract_forces_a_major_crate_version() {
        assert_eq!(next_version(v("1.2.0"), "1.3", Bump::Major), v("2.0.0"));
        // Once ahead, the crate stays ahead: the next compatible contract is a minor step of it.
        assert_eq!(next_version(v("2.0.0"), "1.4", Bump::Minor), v("2.1.0"));
        assert_eq!(next_version(v("0.3.1"), "0.3", Bump::Major), v("0.4.0"));
        assert_eq!(next_version(v("0.3.1"), "0.3", Bump::Minor), v("0.3.2"));
    }

    #[test]
    fn a_breaking_change_is_allowed_only_with_a_semver_major_step() {
        assert!(!allows(v("1.2.0"), v("1.3.0"), Bump::Major));
        assert!(allows(v("1.2.0"), v("2.0.0"), Bump::Major));
        assert!(!allows(v("0.3.0"), v("0.3.5"), Bump::Major));
        assert!(allows(v("0.3.0"), v("0.4.0"), Bump::Major));
        assert!(allows(v("1.2.0"), v("1.3.0"), Bump::Minor));
        assert!(!allows(v("1.2.0"), v("1.2.0"), Bump::Patch));
    }

    #[test]
    fn only_plain_versions_parse() {
        assert_eq!(CrateVersion::parse("1.2"), None);
        assert_eq!(CrateVersion::parse("1.2.3.4"), None);
        assert_eq!(CrateVersion::parse("1.2.x"), None);
    }
}
