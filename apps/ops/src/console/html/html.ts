import escapeHtml from 'escape-html';
/** Markup that is already safe: made by `html`, never from raw input. */
export class Html {
  constructor(readonly markup: string) {}

  toString(): string {
    return this.markup;
  }
}

type Value = Html | string | number | boolean | null | undefined | Value[];

/**
 * A template of trusted markup in which every interpolated value is escaped (text and quoted
 * attribute values alike), unless it is itself `Html`; arrays are joined, null/undefined/false
 * give nothing. The console's pages are made only with it.
 */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let markup = strings[0];
  values.forEach((value, i) => {
    markup += render(value) + strings[i + 1];
  });
  return new Html(markup);
}

function render(value: Value): string {
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** A query string from the given parameters (empty ones left out), for links. */
export function query(parameters: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) if (value) search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}
