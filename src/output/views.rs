//! One serde view struct per JSON schema of tdnf 3.6 (spec §4). Field order
//! is key order; names are tdnf's keys.

use serde::Serialize;

/// `list`, `check-update`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListItem {
    pub name: String,
    pub arch: String,
    pub evr: String,
    pub repo: String,
}

/// `info`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InfoItem {
    pub name: String,
    pub arch: String,
    pub evr: String,
    pub repo: String,
    pub url: Option<String>,
    pub install_size: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub download_size: u64,
    pub summary: String,
    pub license: String,
    pub description: String,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// `search`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SearchItem {
    pub name: String,
    pub summary: String,
}

/// `provides` / `whatprovides`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProvidesItem {
    pub name: String,
    pub arch: String,
    pub evr: String,
    pub summary: String,
}

/// `repolist`.
#[derive(Debug, Clone, Serialize)]
pub struct RepoItem {
    #[serde(rename = "Repo")]
    pub repo: String,
    #[serde(rename = "RepoName")]
    pub repo_name: String,
    #[serde(rename = "Enabled")]
    pub enabled: bool,
}

/// `repoquery`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RepoQueryItem {
    pub nevra: String,
    pub name: String,
    pub arch: String,
    pub evr: String,
    pub repo: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provides: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub obsoletes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflicts: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requires: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommends: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggests: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplements: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enhances: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depends: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requires_pre: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_logs: Option<Vec<ChangeLogItem>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangeLogItem {
    pub time: String,
    pub author: String,
    pub text: String,
}

/// `updateinfo` summary.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateInfoSummary {
    pub unknown: u64,
    pub security: u64,
    pub bugfix: u64,
    pub enhancement: u64,
}

/// `updateinfo list`.
#[derive(Debug, Clone, Serialize)]
pub struct UpdateInfoListItem {
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(rename = "UpdateID")]
    pub update_id: String,
    #[serde(rename = "Packages")]
    pub packages: Vec<String>,
}

/// `updateinfo info`.
#[derive(Debug, Clone, Serialize)]
pub struct UpdateInfoInfoItem {
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(rename = "UpdateID")]
    pub update_id: String,
    #[serde(rename = "Updated")]
    pub updated: String,
    #[serde(rename = "NeedsReboot")]
    pub needs_reboot: bool,
    #[serde(rename = "Description")]
    pub description: String,
    #[serde(rename = "Packages")]
    pub packages: Vec<String>,
}

/// `--version`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Version {
    pub name: &'static str,
    pub version: &'static str,
}

/// The error object.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorView {
    #[serde(rename = "Error")]
    pub error: u32,
    #[serde(rename = "ErrorMessage")]
    pub error_message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_examples_verbatim() {
        let repo = vec![RepoItem { repo: "local".into(), repo_name: "Local test repo 1 x86_64".into(), enabled: true }];
        assert_eq!(
            serde_json::to_string(&repo).unwrap(),
            r#"[{"Repo":"local","RepoName":"Local test repo 1 x86_64","Enabled":true}]"#
        );
        let info = vec![InfoItem {
            name: "tdnf-test-one".into(),
            arch: "x86_64".into(),
            evr: "1.0.1-2".into(),
            repo: "local".into(),
            url: Some("http://www.vmware.com".into()),
            install_size: 65,
            download_size: 6634,
            summary: "basic install test file.".into(),
            license: "VMware".into(),
            description: "Part of tdnf test spec. Basic install/remove/upgrade test".into(),
        }];
        assert_eq!(
            serde_json::to_string(&info).unwrap(),
            r#"[{"Name":"tdnf-test-one","Arch":"x86_64","Evr":"1.0.1-2","Repo":"local","Url":"http://www.vmware.com","InstallSize":65,"DownloadSize":6634,"Summary":"basic install test file.","License":"VMware","Description":"Part of tdnf test spec. Basic install/remove/upgrade test"}]"#
        );
        assert_eq!(
            serde_json::to_string(&UpdateInfoSummary::default()).unwrap(),
            r#"{"Unknown":0,"Security":0,"Bugfix":0,"Enhancement":0}"#
        );
        assert_eq!(
            serde_json::to_string(&Version { name: "tdnf", version: "3.6.0" }).unwrap(),
            r#"{"Name":"tdnf","Version":"3.6.0"}"#
        );
        let item = ChangeLogItem { time: "Tue Jul 06 2021".into(), author: "A <a@b> 1.2.3-4".into(), text: "-   needle in a haystack".into() };
        assert_eq!(
            serde_json::to_string(&item).unwrap(),
            r#"{"Time":"Tue Jul 06 2021","Author":"A <a@b> 1.2.3-4","Text":"-   needle in a haystack"}"#
        );
    }
}
