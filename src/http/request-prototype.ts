// Accessors that Express's requests need (req.log, req.route's tracking) are defined once on the
// request prototype the app hands out, not on each request: a property defined on a request gives
// that object a hidden class of its own, which slowed every later property read on it, Express's
// included (measured on progress reads, see BENCHMARKS.md).

/** Returns a function that runs `install` on a request's prototype the first time it meets it. */
export function oncePerRequestPrototype(install: (proto: object) => void): (req: object) => void {
  const done = new WeakSet<object>();
  return (req) => {
    const proto = Object.getPrototypeOf(req) as object;
    if (done.has(proto)) return;
    install(proto);
    done.add(proto);
  };
}
