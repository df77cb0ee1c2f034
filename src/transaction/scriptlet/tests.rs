//! Scriptlet tests.
