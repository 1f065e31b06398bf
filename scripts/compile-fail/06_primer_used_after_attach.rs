// expect: error\[E0382\]: use of moved value: `primer`
// Attaching a link takes its primer and publishes the link, so the link cannot be freed (its
// creation undone) while attached, nor attached twice (hole 6).

fn misuse<T: link::Driver>(bundle: &Bundle<T>, primer: Primer<T>, rtnl: &Rtnl) -> Result {
    let _fd = bundle.attach_link(primer, Position::default(), rtnl)?;
    drop(primer);
    Ok(())
}

fn case() {}
