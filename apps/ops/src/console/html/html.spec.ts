import { html, query } from './html';

describe('html', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const hostile = `"><script>alert('x')</script>&`;
    const page = html`<a title="${hostile}">${hostile}</a>`.markup;
    expect(page).not.toContain('<script>');
    expect(page).toBe(
      '<a title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</a>',
    );
  });

  it('keeps nested markup, joins lists and drops empty values', () => {
    const items = ['a<b', 'c'].map((text) => html`<li>${text}</li>`);
    // (Prettier lays out html templates over lines: the comparison ignores that whitespace.)
    const list = html`<ul>
      ${items}
    </ul>`;
    expect(html`${list}${null}${undefined}${false}`.markup.replace(/\s+/g, '')).toBe(
      '<ul><li>a&lt;b</li><li>c</li></ul>',
    );
  });

  it('builds query strings without empty parameters', () => {
    expect(query({ view: 'stalled', region: '', accountId: 'a&b' })).toBe(
      '?view=stalled&accountId=a%26b',
    );
    expect(query({})).toBe('');
  });
});
