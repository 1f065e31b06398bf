// expect: error\[E0451\]: field `dev` of struct `Registered` is private
// newlink succeeds only with the proof that NewLink::register gives (hole 4).

fn misuse<'a, T: dev::Driver>(dev: &'a DriverDevice<T>) -> Registered<'a, T> {
    Registered { dev }
}

fn case() {}
