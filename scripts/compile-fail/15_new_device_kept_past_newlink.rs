// expect: error: lifetime may not live long enough
// A device allocated in a newlink is registered there or freed: it cannot be kept (e.g. in a
// static) and registered later from a callback the core calls inside a walk of the device list.

fn misuse<'a>(dev: NewDevice<'a, Dummy>) -> NewDevice<'static, Dummy> {
    dev
}

fn case() {}
