/** A tiny element builder for the page (no framework). */

/**
 * Creates an element with attributes and children (strings become text nodes).
 * @example el('button', { type: 'button', 'data-testid': 'reset' }, ['Reset']);
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string>> = {},
  children: readonly (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}
