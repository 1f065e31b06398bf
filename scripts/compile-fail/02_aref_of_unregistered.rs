// expect: error\[E0277\]: the trait bound `Unregistered<T>: AlwaysRefCounted` is not satisfied
// An unregistered device is freed at once by free_netdev(), whatever its reference count: it
// is not a Device and cannot be reference counted (hole 2).

fn misuse<T: dev::Driver>(dev: &NewDevice<T>) -> ARef<Device> {
    ARef::from(&**dev)
}

fn case() {}
