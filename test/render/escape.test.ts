import { describe, expect, it } from 'vitest';
import { githubData, githubProperty, html, markdownCell } from '../../src/render/escape.js';
import { safeText } from '../../src/render/format.js';

describe('escaping user text for each format', () => {
  it('encodes GitHub workflow command data and properties', () => {
    expect(githubData('50%\r\nnext::error::x')).toBe('50%25%0D%0Anext::error::x');
    expect(githubProperty('a,b:c%\n')).toBe('a%2Cb%3Ac%25%0A');
  });

  it('keeps Markdown table cells to one cell of plain text', () => {
    expect(markdownCell('a|b\nc <script> *x* `y` [l](u) &')).toBe('a\\|b c &lt;script&gt; \\*x\\* \\`y\\` \\[l\\](u) &amp;');
  });

  it('escapes HTML', () => {
    expect(html(`<img src="x" onerror='y'>&`)).toBe('&lt;img src=&quot;x&quot; onerror=&#39;y&#39;&gt;&amp;');
  });

  it('shows control characters in terminal text instead of obeying them', () => {
    expect(safeText('op\u001b[31mred\nline')).toBe('op\\x1b[31mred\\x0aline');
  });
});
