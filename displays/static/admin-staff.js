// admin-staff.js: the staff section of the admin page: the hall's accounts (number, name,
// role, photo, active), a new account, editing name, role and photo, a new password, and
// deactivating (the server signs a deactivated clerk out of their window at once), reactivating
// or deleting an account.
//
// A photo is chosen as an image file, scaled down here to at most `PHOTO_SIDE` pixels a side and
// sent as a JPEG `data:` URI (the server keeps at most 200,000 characters of it).

import { $, el, onLanguageChange, show, t } from "./hall.js";
import {
  ApiError,
  api,
  clearOnEdit,
  clearProblems,
  confirmAction,
  fillList,
  hallPath,
  loadHallList,
  problemsOf,
  showError,
  showProblems,
  toast,
} from "./admin-api.js";
import { initials, photoUrl } from "./staff.js";

const PHOTO_SIDE = 320;
const PHOTO_QUALITY = 0.85;

const state = {
  hall: null,
  staff: [],
  photoVersion: Date.now(), // changes whenever a photo changed, past the photos' cache
  newPhoto: null, // the add form's photo, as a data: URI
  editing: null, // {member, mode: "edit" | "password", photo: undefined | "" | data: URI}
};

// --- the list ------------------------------------------------------------------------------------

export async function showStaff(hall) {
  state.hall = hall;
  await refresh();
}

async function refresh() {
  const staff = await loadHallList(state, "/staff", $("#staff-error"));
  if (staff === null) return;
  state.staff = staff;
  render();
}

function picture(member) {
  return `${photoUrl(state.hall, member.number)}?v=${state.photoVersion}`;
}

function render() {
  $("#staff-count").textContent = t("admin.staff.count", {
    count: state.staff.length,
    active: state.staff.filter((member) => member.active).length,
  });
  fillList($("#staff-list"), state.staff, t("admin.staff.none"), staffItem);
}

function staffItem(member) {
  const item = el(
    "li",
    { class: "admin-item admin-staff-item", dataset: { number: member.number, active: String(member.active) } },
    el("img", { class: "admin-photo admin-item-photo", src: picture(member), alt: "" }),
    el(
      "div",
      { class: "admin-item-body" },
      el(
        "div",
        { class: "admin-item-main" },
        el("span", { class: "admin-item-name" }, member.name),
        el(
          "span",
          { class: "status-chip admin-active", dataset: { status: member.active ? "online" : "offline" } },
          t(member.active ? "admin.staff.active" : "admin.staff.inactive"),
        ),
      ),
      el(
        "div",
        { class: "admin-item-meta" },
        el("span", { class: "admin-item-number" }, t("admin.staff.number_of", { number: member.number })),
        el("span", { class: "admin-item-role" }, t(`admin.role.${member.role}`)),
      ),
      el(
        "div",
        { class: "admin-item-actions" },
        el("button", { type: "button", class: "choice staff-edit", text: t("admin.staff.edit"), onclick: () => openDialog(member, "edit") }),
        el("button", { type: "button", class: "choice staff-password", text: t("admin.staff.reset_password"), onclick: () => openDialog(member, "password") }),
        member.active
          ? el("button", { type: "button", class: "choice choice-danger staff-deactivate", text: t("admin.staff.deactivate"), onclick: () => setActive(member, false) })
          : el("button", { type: "button", class: "choice staff-activate", text: t("admin.staff.activate"), onclick: () => setActive(member, true) }),
        el("button", { type: "button", class: "choice choice-danger staff-delete", text: t("admin.staff.delete"), onclick: () => remove(member) }),
      ),
      el("p", { class: "error-message admin-item-error", role: "alert", hidden: true }),
    ),
  );
  return item;
}

function memberPath(member) {
  return hallPath(state.hall, `/staff/${encodeURIComponent(member.number)}`);
}

async function setActive(member, active) {
  const change = () => api("PUT", memberPath(member), { name: member.name, role: member.role, active });
  if (active) {
    const item = $(`#staff-list [data-number="${CSS.escape(member.number)}"]`);
    try {
      await change();
    } catch (error) {
      showError(item.querySelector(".admin-item-error"), error);
      return;
    }
  } else {
    const done = await confirmAction({
      title: t("admin.staff.deactivate_title", { name: member.name }),
      text: t("admin.staff.deactivate_text"),
      ok: t("admin.staff.deactivate"),
      action: change,
    });
    if (!done) return;
  }
  toast(t(active ? "admin.staff.activated" : "admin.staff.deactivated", { name: member.name }));
  await refresh();
}

async function remove(member) {
  const done = await confirmAction({
    title: t("admin.staff.delete_title", { name: member.name }),
    text: t("admin.staff.delete_text"),
    ok: t("admin.staff.delete"),
    action: () => api("DELETE", memberPath(member)),
  });
  if (!done) return;
  toast(t("admin.staff.deleted", { name: member.name }));
  await refresh();
}

// --- photos --------------------------------------------------------------------------------------

/** An image file as a small JPEG data: URI; throws for a file that is not an image. */
async function photoOf(file) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = el("canvas", { width: Math.round(bitmap.width * scale), height: Math.round(bitmap.height * scale) });
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return canvas.toDataURL("image/jpeg", PHOTO_QUALITY);
}

async function choosePhoto(input, preview, keep) {
  const [file] = input.files;
  input.value = "";
  if (!file) return;
  const field = input.closest("[data-path]");
  try {
    const photo = await photoOf(file);
    keep(photo);
    preview.src = photo;
    show(preview, true);
    field.classList.remove("has-error");
    field.querySelector(".field-error").textContent = "";
  } catch {
    field.classList.add("has-error");
    field.querySelector(".field-error").textContent = t("admin.staff.photo_bad", { file: file.name });
  }
}

/** The badge the server shows for an account without a photo, drawn here before saving. */
function initialsPicture(name) {
  const canvas = el("canvas", { width: 120, height: 120 });
  const context = canvas.getContext("2d");
  context.fillStyle = "#dce7f7";
  context.beginPath();
  context.arc(60, 60, 60, 0, 2 * Math.PI);
  context.fill();
  context.fillStyle = "#0b3d91";
  context.font = `700 40px ${getComputedStyle(document.body).fontFamily}`;
  context.textAlign = "center";
  context.textBaseline = "middle";
  context.fillText(initials(name), 60, 62);
  return canvas.toDataURL("image/png");
}

// --- adding an account ---------------------------------------------------------------------------

async function addMember(event) {
  event.preventDefault();
  const form = $("#staff-form");
  const body = {
    number: $("#staff-number").value.trim(),
    name: $("#staff-name").value.trim(),
    role: $("#staff-role").value,
    password: $("#staff-password").value,
  };
  if (state.newPhoto) body.photo = state.newPhoto;
  $("#staff-add").disabled = true;
  try {
    const member = await api("POST", hallPath(state.hall, "/staff"), body);
    clearProblems(form);
    form.reset();
    state.newPhoto = null;
    show($("#staff-photo-preview"), false);
    state.photoVersion = Date.now();
    toast(t("admin.staff.added", { name: member.name, number: member.number }));
    await refresh();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    showProblems(form, problemsOf(error));
  } finally {
    $("#staff-add").disabled = false;
  }
}

// --- editing an account, a new password ------------------------------------------------------------

function openDialog(member, mode) {
  state.editing = { member, mode, photo: undefined };
  const form = $("#staff-edit-form");
  clearProblems(form);
  renderDialogTitle();
  for (const part of form.querySelectorAll(".admin-edit")) show(part, part.dataset.mode === mode);
  $("#edit-name").value = member.name;
  $("#edit-role").value = member.role;
  $("#edit-photo-preview").src = picture(member);
  $("#edit-password").value = "";
  $("#staff-dialog").showModal();
  (mode === "edit" ? $("#edit-name") : $("#edit-password")).focus();
}

function renderDialogTitle() {
  if (!state.editing) return;
  const { member, mode } = state.editing;
  const key = mode === "edit" ? "admin.staff.edit_title" : "admin.staff.password_title";
  $("#staff-dialog-title").textContent = t(key, { name: member.name, number: member.number });
}

async function saveDialog(event) {
  event.preventDefault();
  const { member, mode, photo } = state.editing;
  const form = $("#staff-edit-form");
  const body =
    mode === "edit"
      ? { name: $("#edit-name").value.trim(), role: $("#edit-role").value }
      : { name: member.name, role: member.role, password: $("#edit-password").value };
  if (mode === "edit" && photo !== undefined) body.photo = photo;
  $("#staff-dialog-save").disabled = true;
  try {
    const saved = await api("PUT", memberPath(member), body);
    $("#staff-dialog").close();
    if (photo !== undefined) state.photoVersion = Date.now();
    toast(t(mode === "edit" ? "admin.staff.saved" : "admin.staff.password_saved", { name: saved.name }));
    await refresh();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    showProblems(form, problemsOf(error));
  } finally {
    $("#staff-dialog-save").disabled = false;
  }
}

// --- wiring --------------------------------------------------------------------------------------

export function bindStaff() {
  $("#staff-form").addEventListener("submit", addMember);
  clearOnEdit($("#staff-form"));
  clearOnEdit($("#staff-edit-form"));
  $("#staff-photo").addEventListener("change", (event) =>
    choosePhoto(event.target, $("#staff-photo-preview"), (photo) => {
      state.newPhoto = photo;
    }),
  );
  $("#edit-photo").addEventListener("change", (event) =>
    choosePhoto(event.target, $("#edit-photo-preview"), (photo) => {
      state.editing.photo = photo;
    }),
  );
  $("#edit-photo-remove").addEventListener("click", () => {
    state.editing.photo = "";
    $("#edit-photo-preview").src = initialsPicture($("#edit-name").value || state.editing.member.name);
  });
  $("#staff-edit-form").addEventListener("submit", saveDialog);
  onLanguageChange(() => {
    if (state.hall) render();
    renderDialogTitle();
  });
}
