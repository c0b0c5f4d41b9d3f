//! A global allocator that can refuse memory past a cap.
//!
//! boa has no heap limit, so a macro host process sets a cap at start; an allocation beyond it
//! fails, Rust reports "memory allocation of N bytes failed" and the process aborts, which
//! only ends that macro. roomd itself runs without a cap (one relaxed load per allocation).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};

static CAP: AtomicUsize = AtomicUsize::new(0);
static IN_USE: AtomicIsize = AtomicIsize::new(0);

/// Caps this process's heap at `bytes` from now on (0 = no cap).
pub fn set_cap(bytes: usize) {
    CAP.store(bytes, Ordering::SeqCst);
}

pub struct CappedAllocator;

unsafe impl GlobalAlloc for CappedAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let cap = CAP.load(Ordering::Relaxed);
        if cap != 0 {
            let size = layout.size() as isize;
            if IN_USE.fetch_add(size, Ordering::Relaxed) + size > cap as isize {
                IN_USE.fetch_sub(size, Ordering::Relaxed);
                return std::ptr::null_mut();
            }
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if CAP.load(Ordering::Relaxed) != 0 {
            IN_USE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        }
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let cap = CAP.load(Ordering::Relaxed);
        if cap != 0 {
            let grow = new_size as isize - layout.size() as isize;
            if grow > 0 && IN_USE.fetch_add(grow, Ordering::Relaxed) + grow > cap as isize {
                IN_USE.fetch_sub(grow, Ordering::Relaxed);
                return std::ptr::null_mut();
            }
            if grow <= 0 {
                IN_USE.fetch_add(grow, Ordering::Relaxed);
            }
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}
