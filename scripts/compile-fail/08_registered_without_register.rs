// expect: error\[E0451\]: fields `dev` and `rtnl` of struct `Registered` are private
// newlink succeeds only with the proof that NewLink::register gives (hole 4).

fn misuse<'a, T: dev::Driver>(dev: &'a DriverDevice<T>, rtnl: &'a Rtnl) -> Registered<'a, T> {
    Registered { dev, rtnl }
}

fn case() {}
