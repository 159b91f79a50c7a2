// Builds DOM nodes. Every string child becomes a text node and attributes are set one by one,
// so text from customers or agents is never parsed as HTML.

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else if (name === "class") {
      node.className = value;
    } else if (name === "dataset") {
      Object.assign(node.dataset, value);
    } else {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(node, child);
    } else if (child instanceof Node) {
      node.appendChild(child);
    } else {
      node.appendChild(document.createTextNode(String(child)));
    }
  }
}

/// Replaces the children of `node`.
export function replaceChildren(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

/// Returns the element with `id`, or throws naming the id, so a missing page part fails loudly.
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) {
    throw new Error(`the page has no element #${id}`);
  }
  return node;
}

/// Returns the URL when it is http(s), else null, so a link never runs javascript: URLs.
export function safeHttpUrl(url) {
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/// Returns the last path segment of a URL, decoded, for showing an attachment's file name.
export function fileNameOf(url) {
  try {
    const segments = new URL(url, location.href).pathname.split("/");
    return decodeURIComponent(segments[segments.length - 1] || "attachment");
  } catch {
    return "attachment";
  }
}

export function formatTime(millis) {
  return new Date(millis).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}
