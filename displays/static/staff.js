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

/** Fill an avatar: `img` shows the photo (a URL of this server or a data: URI), `label` the
 * initials when there is no photo or it fails to load. */
export function renderAvatar(img, label, window) {
  const photo = window?.clerk_photo ?? "";
  label.textContent = initials(window?.clerk);
  if (photo && img.getAttribute("src") !== photo) {
    img.onerror = () => {
      show(img, false);
      show(label, true);
    };
    img.src = photo;
  }
  show(img, Boolean(photo));
  show(label, !photo && Boolean(window?.clerk));
}
