//! Triggers and file triggers as a header stores them, and matching.
