// SPDX-License-Identifier: GPL-2.0

//! The lockdep classes of a driver's devices (`struct netdev_lockdep_keys`).
//!
//! C header: [`include/net/netdev_lock.h`](srctree/include/net/netdev_lock.h)

use crate::{
    bindings,
    types::Opaque, //
};

/// One set of lockdep classes for the locks of a driver's devices: the instance lock, the
/// address list lock, the transmit queues' locks and the qdiscs' busy locks.
///
/// A C driver gets its own set from `netdev_lockdep_set_classes()`, a macro with static keys
/// that each driver expands. A Rust driver names its set in [`Driver::LOCK_CLASSES`], made by
/// [`netdev_lock_classes!`], so that lockdep tells the devices of two drivers apart (an ops
/// lock of one taken inside the other's is not a self-deadlock).
///
/// [`Driver::LOCK_CLASSES`]: super::Driver::LOCK_CLASSES
/// [`netdev_lock_classes!`]: crate::netdev_lock_classes
///
/// # Invariants
///
/// The keys are in static memory, as lockdep requires of keys it does not register, and are
/// never dropped.
#[repr(transparent)]
pub struct LockClasses(Opaque<bindings::netdev_lockdep_keys>);

// SAFETY: Lockdep uses the keys only by address and keeps its own state elsewhere; sharing
// them between threads is what they are for.
unsafe impl Sync for LockClasses {}

impl LockClasses {
    /// Creates a set of keys for a static.
    ///
    /// # Safety
    ///
    /// The result is only used as the value of a `static` (it must not move or be dropped).
    /// Use [`netdev_lock_classes!`](crate::netdev_lock_classes).
    #[doc(hidden)]
    pub const unsafe fn new_static() -> Self {
        Self(Opaque::uninit())
    }

    /// Returns the raw pointer to the keys.
    #[inline]
    pub(crate) fn as_raw(&self) -> *mut bindings::netdev_lockdep_keys {
        self.0.get()
    }
}

/// Defines a static [`LockClasses`] and returns a `&'static` reference to it, for
/// [`Driver::LOCK_CLASSES`](crate::net::dev::Driver::LOCK_CLASSES).
///
/// # Examples
///
/// ```ignore
/// impl dev::Driver for MyDriver {
///     const LOCK_CLASSES: &'static dev::LockClasses = kernel::netdev_lock_classes!();
///     // ...
/// }
/// ```
#[macro_export]
macro_rules! netdev_lock_classes {
    () => {{
        static CLASSES: $crate::net::dev::LockClasses =
            // SAFETY: The value of a static, which never moves and is never dropped.
            unsafe { $crate::net::dev::LockClasses::new_static() };
        &CLASSES
    }};
}
