// Methods of a freed Tokenizer, BudgetLedger,
// Catalogue, TokenCounter or StreamMeter throw
// a TokenmeterError here, before reaching wasm. wasm-bindgen's own check
// ("null pointer passed to rust") throws from inside the wasm call after the
// call has taken its shadow stack frame and a slot for each JS argument, so
// neither is given back: a few thousand such calls exhaust the wasm stack and
// every later call traps (RuntimeError: unreachable) for the life of the
// instance. free() on a freed object (an explicit free() and then `using`'s
// dispose) does nothing.
// Every entry module calls guardFreed() once, after importing the glue.

function freedError(name, member) {
  const e = new Error(`${name}.${member}: this ${name} was freed (free() was called); create a new one`);
  e.name = "TokenmeterError";
  e.code = "INVALID_ARGUMENT";
  e.field = null;
  return e;
}

export function guardFreed(...classes) {
  for (const cls of classes) {
    const proto = cls.prototype;
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (key === "constructor" || key.startsWith("__")) continue;
      const d = Object.getOwnPropertyDescriptor(proto, key);
      if (key === "free") {
        const free = d.value;
        d.value = {
          free() {
            if (this.__wbg_ptr) free.call(this);
          },
        }.free;
      } else if (typeof d.value === "function") {
        const method = d.value;
        d.value = {
          [key](...args) {
            if (!this.__wbg_ptr) throw freedError(cls.name, key);
            return method.apply(this, args);
          },
        }[key];
      } else if (d.get) {
        const get = d.get;
        d.get = Object.getOwnPropertyDescriptor({
          get [key]() {
            if (!this.__wbg_ptr) throw freedError(cls.name, key);
            return get.call(this);
          },
        }, key).get;
      } else {
        continue;
      }
      Object.defineProperty(proto, key, d);
    }
    if (Symbol.dispose && proto[Symbol.dispose]) proto[Symbol.dispose] = proto.free;
  }
}
