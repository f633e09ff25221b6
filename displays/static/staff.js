// staff.js: how a window's clerk appears on window screens and rating pads: photo, or initials
// when there is none; name and staff number (工号).

import { show } from "./hall.js";

const CJK = /[\u3400-\u9fff]/;

/** "王晓丽" -> "晓丽", "李四" -> "李四", "Anna Lee" -> "AL". */
export function initials(name) {
  const text = (name ?? "").trim();
  if (!text) return "";
  if (CJK.test(text)) return text.length > 2 ? text.slice(-2) : text;
  const words = text.split(/\s+/);
  const letters = words.length > 1 ? words[0][0] + words[words.length - 1][0] : text.slice(0, 2);
  return letters.toUpperCase();
}

/** The clerk's picture: the server answers with the photo, or a badge of the initials. */
export function photoUrl(hallId, staffNumber) {
  return `/api/halls/${encodeURIComponent(hallId)}/staff/${encodeURIComponent(staffNumber)}/photo`;
}

/** Fill an avatar for the clerk signed in at `window` of hall `hallId`: `img` shows the server's
 * picture, `label` the initials should the picture fail to load. */
export function renderAvatar(img, label, window, hallId) {
  const photo = window?.clerk_number && hallId ? photoUrl(hallId, window.clerk_number) : "";
  label.textContent = initials(window?.clerk);
  if (!photo) {
    show(img, false);
    show(label, Boolean(window?.clerk));
    return;
  }
  if (img.getAttribute("src") !== photo) {
    img.onerror = () => {
      show(img, false);
      show(label, true);
    };
    img.src = photo;
    show(img, true);
    show(label, false);
  }
}
