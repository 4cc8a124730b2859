/**
 * `target` with some of its members replaced, the rest bound to `target` itself (so that class instances with private
 * fields, such as the state store or the logger, keep working): a dependency that sees or changes one call.
 */
export function overriding<T extends object>(target: T, overrides: { [K in keyof T]?: T[K] }): T {
  return new Proxy(target, {
    get(inner, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof T];
      const value = Reflect.get(inner, property, inner);
      return typeof value === 'function' ? value.bind(inner) : value;
    },
  });
}
