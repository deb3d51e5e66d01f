/** A few DOM helpers: elements from tag, attributes and children; labelled controls; copy buttons. */

type Child = Node | string;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  // Text goes in as text nodes: nothing a request carries can become markup.
  element.append(...children);
  return element;
}

export function clear<T extends Element>(element: T): T {
  element.replaceChildren();
  return element;
}

let labels = 0;
/** A control with its visible label, tied by id so that screen readers and clicks find it. */
export function labelled(text: string, control: HTMLElement): HTMLElement {
  if (!control.id) control.id = `control-${++labels}`;
  return h('div', { class: 'field' }, h('label', { for: control.id }, text), control);
}

/** A button that copies `value`, and says so (or says how to copy by hand where the clipboard is closed). */
export function copyButton(value: string, what: string, say: (message: string) => void): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'copy', 'aria-label': `Copy ${what}` }, 'Copy');
  button.addEventListener('click', () => {
    navigator.clipboard.writeText(value).then(
      () => say(`Copied ${what}`),
      () => say(`The browser refused the clipboard; select ${what} and copy it by hand`),
    );
  });
  return button;
}

/** JSON text indented, or the text as it is when it is not JSON. */
export function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
