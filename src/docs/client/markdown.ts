/** Descriptions and doc blocks are Markdown: rendered with marked, then sanitized with DOMPurify. */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const marked = new Marked({ gfm: true, breaks: false, async: false });

/** Safe HTML for a Markdown block (a description, a doc block). */
export function markdownHtml(text: string): string {
  return sanitize(marked.parse(text, { async: false }));
}

/** Safe HTML for one line of Markdown (a column description), without a wrapping paragraph. */
export function inlineMarkdownHtml(text: string): string {
  return sanitize(marked.parseInline(text, { async: false }));
}

function sanitize(html: string): string {
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input'], FORBID_ATTR: ['style'] });
}

// Links in descriptions open in a new tab and never get access to this page.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.getAttribute('href') !== null && !node.getAttribute('href')!.startsWith('#')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});
