// tablet-alerts.js: one alert row of the tablet, made once and updated in place.
//
// An alert carries an i18n key and its params (metrics/alerts.py). A device offline names the
// device as the administrator named it, or by its window and kind ("3号窗口评价器已离线"). A bad
// rating shows its score, the reasons and the comment the citizen gave (never who they are),
// and a button that opens its follow-up.

import { $, currentLanguage, el, t } from "./hall.js";
import { setData, setDisabled, setShown, setText } from "./tablet-keyed.js";

const BAD_RATING = "bad_rating";

/** The row of `alert`; `actions.acknowledge(alert)` and `actions.openFollowUp(alert)` get the
 * alert as it is at the time of the tap. */
export function createAlertRow(alert, actions) {
  const part = (tag, className, attrs = {}) => el(tag, { class: className, ...attrs });
  const node = el(
    "li",
    { class: "alert-row", dataset: { alert: alert.id, kind: alert.kind } },
    el(
      "div",
      { class: "alert-body" },
      part("div", "alert-text"),
      part("div", "alert-details", { hidden: true }),
      part("p", "alert-comment", { hidden: true }),
      el("div", { class: "alert-meta" }, part("span", "alert-severity"), part("span", "alert-time"), part("span", "alert-cleared")),
    ),
    el(
      "div",
      { class: "alert-actions" },
      alert.kind === BAD_RATING
        ? part("button", "button button-light alert-follow-up", { type: "button", onclick: () => actions.openFollowUp(node.alert) })
        : null,
      part("button", "button alert-ack", { type: "button", onclick: () => actions.acknowledge(node.alert) }),
    ),
  );
  return node;
}

/** Refresh the row: `busy` while its acknowledgement waits for the reply. */
export function updateAlertRow(node, alert, { busy, timeZone }) {
  node.alert = alert;
  setData(node, "severity", alert.severity);
  setData(node, "active", String(alert.active));
  setText($(".alert-text", node), alertText(alert));
  const rating = alert.kind === BAD_RATING;
  const details = $(".alert-details", node);
  setShown(details, rating);
  setText(details, rating ? ratingDetails(alert.params) : "");
  const comment = $(".alert-comment", node);
  const said = rating ? String(alert.params.comment ?? "").trim() : "";
  setShown(comment, Boolean(said));
  setText(comment, said ? t("tablet.rating_comment", { comment: said }) : "");
  setText($(".alert-severity", node), t(`tablet.severity.${alert.severity}`));
  setText($(".alert-time", node), ` · ${timeOfDay(alert.raised_at, timeZone)}`);
  setText($(".alert-cleared", node), alert.active ? "" : ` · ${t("tablet.cleared")}`);
  const followUp = $(".alert-follow-up", node);
  if (followUp) setText(followUp, t("tablet.open_follow_up"));
  const ack = $(".alert-ack", node);
  setText(ack, t("tablet.ack"));
  setDisabled(ack, busy);
}

export function alertText(alert) {
  const params = alert.params ?? {};
  if (alert.kind === "device_offline") {
    return t(alert.key, { ...params, kind: t(`tablet.kind.${params.kind}`) });
  }
  return t(alert.key, params);
}

/** 评分 1 分（非常不满意） · 原因：等候时间长、服务态度差 */
function ratingDetails(params) {
  const score = Number(params.score);
  const parts = [t("tablet.rating_score", { score, label: t(`rating.${score}`) })];
  const reasons = String(params.reasons ?? "").trim();
  parts.push(reasons ? t("tablet.rating_reasons", { reasons }) : t("tablet.rating_no_reasons"));
  return parts.join(" · ");
}

function timeOfDay(at, timeZone) {
  const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  try {
    return new Intl.DateTimeFormat(currentLanguage(), { ...options, timeZone }).format(new Date(at));
  } catch {
    return new Date(at).toLocaleTimeString();
  }
}
