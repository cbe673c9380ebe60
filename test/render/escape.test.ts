import { describe, expect, it } from 'vitest';
import { githubData, githubMessage, githubProperty, githubTitle, html, markdownCell } from '../../src/render/escape.js';
import { safeText } from '../../src/render/format.js';

describe('escaping user text for each format', () => {
  it('encodes GitHub workflow command data and properties', () => {
    expect(githubData('50%\r\nnext::error::x')).toBe('50%25%0D%0Anext::error::x');
    expect(githubProperty('a,b:c%\n')).toBe('a%2Cb%3Ac%25%0A');
  });

  it('keeps Markdown table cells to one cell of plain text', () => {
    expect(markdownCell('a|b\nc <script> *x* `y` [l](u) &')).toBe('a\\|b c &lt;script&gt; \\*x\\* \\`y\\` \\[l\\](u) &amp;');
  });

  it('breaks @mentions and #references in pull-request text with a zero-width space', () => {
    expect(markdownCell('@org/team fixes #12 and owner/repo#3, mail a@b')).toBe('@&#8203;org/team fixes #&#8203;12 and owner/repo#&#8203;3, mail a@&#8203;b');
    expect(githubMessage('@team #1')).toBe('@\u200bteam #\u200b1');
    expect(githubTitle('credits x (@team, #1)')).toBe('credits x (@\u200bteam%2C #\u200b1)');
    expect(markdownCell('50 # of calls @ 2')).toBe('50 # of calls @ 2');
  });

  it('escapes HTML', () => {
    expect(html(`<img src="x" onerror='y'>&`)).toBe('&lt;img src=&quot;x&quot; onerror=&#39;y&#39;&gt;&amp;');
  });

  it('shows control characters in terminal text instead of obeying them', () => {
    expect(safeText('op\u001b[31mred\nline')).toBe('op\\x1b[31mred\\x0aline');
  });
});
