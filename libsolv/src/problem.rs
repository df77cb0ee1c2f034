//! Solver problems: typed rule kinds and the text tdnf prints.

use crate::ffi;
use crate::{DepId, SolvableId};

/// Why a rule exists (`SolverRuleinfo`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum RuleKind {
    Unknown,
    Pkg,
    PkgNotInstallable,
    PkgNothingProvidesDep,
    PkgRequires,
    PkgSelfConflict,
    PkgConflicts,
    PkgSameName,
    PkgObsoletes,
    PkgImplicitObsoletes,
    PkgInstalledObsoletes,
    PkgRecommends,
    PkgConstrains,
    PkgSupplements,
    Update,
    Feature,
    Job,
    JobNothingProvidesDep,
    JobProvidedBySystem,
    JobUnknownPackage,
    JobUnsupported,
    Distupgrade,
    Infarch,
    Choice,
    Learnt,
    Best,
    Yumobs,
    Recommends,
    Black,
    StrictRepoPriority,
    /// A value this crate does not know.
    Other(u32),
}

impl RuleKind {
    pub(crate) fn from_raw(v: u32) -> RuleKind {
        use RuleKind::*;
        #[allow(clippy::unnecessary_cast)]
        let k = |c: ffi::SolverRuleinfo| c as u32;
        match v {
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_UNKNOWN) => Unknown,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_PKG) => Pkg,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_PKG_NOT_INSTALLABLE) => PkgNotInstallable,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_PKG_NOTHING_PROVIDES_DEP) => {
                PkgNothingProvidesDep
            }
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_PKG_REQUIRES) => PkgRequires,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_PKG_SELF_CONFLICT) => PkgSelfConflict,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_PKG_CONFLICTS) => PkgConflicts,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_PKG_SAME_NAME) => PkgSameName,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_PKG_OBSOLETES) => PkgObsoletes,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_PKG_IMPLICIT_OBSOLETES) => {
                PkgImplicitObsoletes
            }
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_PKG_INSTALLED_OBSOLETES) => {
                PkgInstalledObsoletes
            }
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_PKG_RECOMMENDS) => PkgRecommends,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_PKG_CONSTRAINS) => PkgConstrains,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_PKG_SUPPLEMENTS) => PkgSupplements,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_UPDATE) => Update,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_FEATURE) => Feature,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_JOB) => Job,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_JOB_NOTHING_PROVIDES_DEP) => {
                JobNothingProvidesDep
            }
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_JOB_PROVIDED_BY_SYSTEM) => {
                JobProvidedBySystem
            }
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_JOB_UNKNOWN_PACKAGE) => JobUnknownPackage,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_JOB_UNSUPPORTED) => JobUnsupported,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_DISTUPGRADE) => Distupgrade,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_INFARCH) => Infarch,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_CHOICE) => Choice,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_LEARNT) => Learnt,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_BEST) => Best,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_YUMOBS) => Yumobs,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_RECOMMENDS) => Recommends,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_BLACK) => Black,
            x if x == k(ffi::SolverRuleinfo_SOLVER_RULE_STRICT_REPO_PRIORITY) => StrictRepoPriority,
            other => Other(other),
        }
    }
}

/// One rule involved in a problem (`solver_ruleinfo`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProblemRule {
    /// The rule type.
    pub kind: RuleKind,
    /// The package the rule is about (if any).
    pub source: Option<SolvableId>,
    /// The other package (if any).
    pub target: Option<SolvableId>,
    /// The dependency (if any).
    pub dep: Option<DepId>,
    /// libsolv's sentence for this rule (`solver_problemruleinfo2str`).
    pub text: String,
}

/// One solver problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// 1-based problem id.
    pub id: i32,
    /// All rules involved (`solver_findallproblemrules`).
    pub rules: Vec<ProblemRule>,
    /// The rule `solver_findproblemrule` picks: the one `text` describes
    /// (tdnf classifies problems by its kind for `--skipconflicts` etc.).
    pub main: ProblemRule,
    /// `solver_problem2str`: what tdnf prints as `N. <text>`.
    pub text: String,
}

impl RuleKind {
    /// A package rule (`SOLVER_RULE_PKG*`): what `--skip-broken` ignores.
    pub fn is_pkg_rule(self) -> bool {
        matches!(
            self,
            RuleKind::Pkg
                | RuleKind::PkgNotInstallable
                | RuleKind::PkgNothingProvidesDep
                | RuleKind::PkgRequires
                | RuleKind::PkgSelfConflict
                | RuleKind::PkgConflicts
                | RuleKind::PkgSameName
                | RuleKind::PkgObsoletes
                | RuleKind::PkgImplicitObsoletes
                | RuleKind::PkgInstalledObsoletes
                | RuleKind::PkgRecommends
                | RuleKind::PkgConstrains
                | RuleKind::PkgSupplements
        )
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}
