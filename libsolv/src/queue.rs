//! Owned wrapper over libsolv's `Queue` (a growable `Id` array).
//!
//! A [`Queue`] owns its C buffer and frees it on drop (`queue_free`). It is
//! used for job lists, selections and results; callers mostly see typed
//! `Vec`s built from it.

use crate::ffi;
use std::mem::MaybeUninit;

/// An owned libsolv `Queue` of raw ids.
pub struct Queue {
    raw: ffi::Queue,
}

impl Queue {
    /// An empty queue.
    pub fn new() -> Self {
        let mut q = MaybeUninit::<ffi::Queue>::uninit();
        // SAFETY: queue_init only writes the four fields of the struct.
        unsafe { ffi::queue_init(q.as_mut_ptr()) };
        // SAFETY: queue_init initialised every field.
        let raw = unsafe { q.assume_init() };
        Queue { raw }
    }

    /// Appends one id.
    pub fn push(&mut self, id: i32) {
        if self.raw.left > 0 {
            // SAFETY: `left > 0` means `elements[count]` is allocated capacity
            // (this is exactly libsolv's inline queue_push).
            unsafe { *self.raw.elements.add(self.raw.count as usize) = id };
            self.raw.count += 1;
            self.raw.left -= 1;
        } else {
            // SAFETY: the queue is initialised; queue_insert at count appends
            // and grows the buffer.
            unsafe { ffi::queue_insert(&mut self.raw, self.raw.count, id) };
        }
    }

    /// Number of ids.
    pub fn len(&self) -> usize {
        self.raw.count as usize
    }

    /// Whether the queue is empty.
    pub fn is_empty(&self) -> bool {
        self.raw.count == 0
    }

    /// Removes all ids (keeps the buffer).
    pub fn clear(&mut self) {
        self.raw.left += self.raw.count;
        self.raw.count = 0;
    }

    /// The ids as a slice.
    pub fn as_slice(&self) -> &[i32] {
        if self.raw.count == 0 || self.raw.elements.is_null() {
            return &[];
        }
        // SAFETY: `elements` points at `count` initialised ids owned by this
        // queue; the borrow of `self` keeps them alive and unmodified.
        unsafe { std::slice::from_raw_parts(self.raw.elements, self.raw.count as usize) }
    }

    pub(crate) fn as_mut_ptr(&mut self) -> *mut ffi::Queue {
        &mut self.raw
    }
}

impl Default for Queue {
    fn default() -> Self {
        Self::new()
    }
}

impl Clone for Queue {
    fn clone(&self) -> Self {
        let mut q = Queue::new();
        for &id in self.as_slice() {
            q.push(id);
        }
        q
    }
}

impl std::fmt::Debug for Queue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl Drop for Queue {
    fn drop(&mut self) {
        // SAFETY: the queue was initialised by queue_init and is freed once.
        unsafe { ffi::queue_free(&mut self.raw) };
    }
}

impl Extend<i32> for Queue {
    fn extend<T: IntoIterator<Item = i32>>(&mut self, iter: T) {
        for id in iter {
            self.push(id);
        }
    }
}
