// SPDX-License-Identifier: GPL-2.0

//! ethtool support for network devices.
//!
//! The callbacks are part of [`crate::net::dev::Driver`].
//!
//! C header: [`include/linux/ethtool.h`](srctree/include/linux/ethtool.h)

use crate::{
    bindings,
    prelude::*,
    types::Opaque, //
};

/// Driver information reported by `ETHTOOL_GDRVINFO` (`struct ethtool_drvinfo`).
///
/// # Invariants
///
/// `self` is a valid `struct ethtool_drvinfo`.
#[repr(transparent)]
pub struct DrvInfo(Opaque<bindings::ethtool_drvinfo>);

impl DrvInfo {
    /// Creates a mutable reference from a raw pointer.
    ///
    /// # Safety
    ///
    /// `ptr` is valid and not accessed by anything else for `'a`.
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::ethtool_drvinfo) -> &'a mut Self {
        // SAFETY: Transparent wrapper; per the safety requirements.
        unsafe { &mut *ptr.cast() }
    }

    /// Sets the driver name, truncated to the field like `strscpy()`.
    pub fn set_driver(&mut self, name: &CStr) {
        // SAFETY: Valid and exclusively ours by the type invariant and `&mut self`.
        let field = unsafe { &mut (*self.0.get()).driver };
        let bytes = name.to_bytes();
        let n = bytes.len().min(field.len() - 1);
        for (d, &c) in field.iter_mut().zip(&bytes[..n]) {
            *d = c as c_char;
        }
        field[n] = 0;
    }

    /// Returns the driver name.
    pub fn driver(&self) -> &CStr {
        // SAFETY: Valid by the type invariant; the core zeroes the buffer and `set_driver`
        // keeps it NUL-terminated.
        unsafe { CStr::from_char_ptr((*self.0.get()).driver.as_ptr()) }
    }
}
