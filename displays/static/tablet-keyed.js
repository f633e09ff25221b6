// tablet-keyed.js: lists whose rows are updated in place, keyed, for the tablet.
//
// The tablet's lists (queue tiles, windows, waiting tickets, alerts) change several times a
// second while the hall is busy. Replacing their elements would take a button away from under
// a finger: a tap lands on an element that is no longer in the page. Here each row is made once
// per key and then only updated (its text, attributes, disabled state); rows come and go only
// when their item does, and existing rows move only when the order really changed.

/** Keep `container`'s children one element per item of `items`, in that order.
 * `key(item)` names a row, `create(item)` makes its element once, `update(node, item)`
 * refreshes it (on every call, also right after `create`). With no items, the container shows
 * the one element `empty()` makes (kept too, its text refreshed by `emptyText()`). */
export function syncList(container, items, { key, create, update, empty = null }) {
  const rows = rowsOf(container);
  const wanted = [];
  const keys = new Set();
  for (const item of items) {
    const id = String(key(item));
    keys.add(id);
    let node = rows.get(id);
    if (!node) {
      node = create(item);
      rows.set(id, node);
    }
    update(node, item);
    wanted.push(node);
  }
  for (const [id, node] of rows) {
    if (keys.has(id)) continue;
    rows.delete(id);
    node.remove();
  }
  if (!wanted.length && empty) wanted.push(emptyRow(container, empty));
  else container._emptyRow?.remove();
  place(container, wanted);
}

function rowsOf(container) {
  if (!container._keyedRows) container._keyedRows = new Map();
  return container._keyedRows;
}

function emptyRow(container, empty) {
  if (!container._emptyRow) container._emptyRow = document.createElement("li");
  const node = container._emptyRow;
  node.className = "empty-row";
  setText(node, empty());
  return node;
}

/** Put `wanted` in order as the container's children, moving only misplaced ones. */
function place(container, wanted) {
  let cursor = container.firstElementChild;
  for (const node of wanted) {
    if (node === cursor) {
      cursor = cursor.nextElementSibling;
      continue;
    }
    container.insertBefore(node, cursor);
  }
  while (cursor) {
    const next = cursor.nextElementSibling;
    cursor.remove(); // anything else left over (not a keyed row)
    cursor = next;
  }
}

// --- in-place updates: each writes only what changed ------------------------------------------

export function setText(node, text) {
  const value = text ?? "";
  if (node.textContent !== value) node.textContent = value;
}

export function setData(node, name, value) {
  const text = value === null || value === undefined ? "" : String(value);
  if (node.dataset[name] !== text) node.dataset[name] = text;
}

export function setClass(node, className) {
  if (node.className !== className) node.className = className;
}

export function setDisabled(node, disabled) {
  if (node.disabled !== Boolean(disabled)) node.disabled = Boolean(disabled);
}

export function setShown(node, shown) {
  if (node.hidden === Boolean(shown)) node.hidden = !shown;
}
