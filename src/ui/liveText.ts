/** Writes a sentence into every element of the page marked data-live="name" (index.html places them in the prose). */
export function setLive(name: string, text: string): void {
  for (const node of document.querySelectorAll<HTMLElement>(`[data-live="${name}"]`)) node.textContent = text;
}
