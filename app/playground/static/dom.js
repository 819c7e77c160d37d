// Small helpers the views share: building elements, and the colour of a category.

const COLOURS = ["#4f7cff", "#2eb67d", "#e8a33d", "#d9534f", "#8e6bd8", "#1fa2b8", "#c2407a", "#6b8e23"];
const NONE = "#8a8f98";

/** Build an element: el("div", {class: "x"}, child, "text"). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** A category's colour by its id (grey for none). */
export function colourOf(categoryId) {
  return categoryId === null || categoryId === undefined ? NONE : COLOURS[(categoryId - 1) % COLOURS.length];
}
