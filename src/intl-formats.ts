// Intl formatters, built once per distinct set of options. Building one costs far more than using
// it (ICU loads the locale's data each time): a receipt builds three or four, on the webhook's
// path. A formatter is immutable and holds no request's data, so sharing one is safe; the map is
// bounded (the keys are locales, currencies and the organisation's or campaigns' time zones, a
// handful in practice) so that an unexpected spread of zones cannot grow it without end.
export function boundedCache<T>(build: (locale: string, options: object) => T, maxEntries = 256) {
  const cache = new Map<string, T>();
  return (locale: string, options: object): T => {
    const key = `${locale}\u0000${JSON.stringify(options)}`;
    let value = cache.get(key);
    if (value === undefined) {
      value = build(locale, options);
      // The oldest entry goes first (a Map keeps insertion order).
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
      cache.set(key, value);
    }
    return value;
  };
}

export const numberFormat: (locale: string, options: Intl.NumberFormatOptions) => Intl.NumberFormat = boundedCache(
  (locale, options) => new Intl.NumberFormat(locale, options),
);

export const dateTimeFormat: (locale: string, options: Intl.DateTimeFormatOptions) => Intl.DateTimeFormat = boundedCache(
  (locale, options) => new Intl.DateTimeFormat(locale, options),
);
