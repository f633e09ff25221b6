// chart.js: the tablet's day chart, an SVG drawn from the data (no library, nothing fetched).
//
// Two panels over one time axis: how many wait (top) and a new ticket's expected wait in
// minutes (bottom), one point a minute. A gap of more than `gapSteps` minutes (the server was
// down, the page was offline) breaks the line instead of drawing a straight line across it.
// The SVG is drawn at the container's pixel size, so its text stays readable, and again when
// the container is resized.

// The SVG namespace, as the page's own HTML parser names it (no URL written out here).
const SVG = (() => {
  const holder = document.createElement("div");
  holder.innerHTML = "<svg></svg>";
  return holder.firstChild.namespaceURI;
})();
const HEIGHT = 300;
const PAD = { left: 48, right: 16, top: 26, bottom: 28, between: 34 };

function node(tag, attrs = {}, text = null) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  if (text !== null) element.textContent = text;
  return element;
}

/** The smallest "nice" step (1, 2 or 5 times a power of ten) giving at most `ticks` steps. */
export function niceStep(max, ticks = 4) {
  const raw = Math.max(max, 1) / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 5, 10]) {
    if (factor * power >= raw) return Math.max(1, factor * power);
  }
  return 10 * power;
}

/** Lines of [[x, y], ...] for the points whose value is known, split at gaps. */
export function segments(points, value, gapMs) {
  const lines = [];
  let line = null;
  let last = null;
  for (const point of points) {
    const y = value(point);
    if (y === null || y === undefined || (last !== null && point.t - last > gapMs)) line = null;
    if (y !== null && y !== undefined) {
      if (line === null) {
        line = [];
        lines.push(line);
      }
      line.push([point.t, y]);
    }
    last = point.t;
  }
  return lines;
}

function hourLabel(ms, timeZone, lang) {
  const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  try {
    return new Intl.DateTimeFormat(lang, { ...options, timeZone }).format(new Date(ms));
  } catch {
    return new Date(ms).toTimeString().slice(0, 5);
  }
}

/** Hour marks between `from` and `to`, every 1, 2, 3 or 4 hours so that at most ~8 show. */
function hourTicks(from, to, width) {
  const hour = 3600_000;
  const room = Math.max(2, Math.floor(width / 70));
  const every = [1, 2, 3, 4, 6].find((h) => (to - from) / (h * hour) <= room) ?? 6;
  const ticks = [];
  for (let t = Math.ceil(from / hour) * hour; t <= to; t += every * hour) ticks.push(t);
  return ticks;
}

/**
 * Draw the chart into `container`.
 * data: {points: [{t (ms), waiting, eta (seconds or null)}], stepMs, from, to (ms)}
 * options: {timeZone, lang, labels: {waiting, eta, empty, summary(point)}}
 */
export function drawChart(container, data, options) {
  const width = Math.max(280, Math.round(container.clientWidth || 480));
  const svg = node("svg", {
    class: "chart-svg",
    viewBox: `0 0 ${width} ${HEIGHT}`,
    width,
    height: HEIGHT,
    role: "img",
  });
  const points = data.points ?? [];
  const last = points.at(-1);
  svg.setAttribute("aria-label", last ? options.labels.summary(last) : options.labels.empty);
  const plotW = width - PAD.left - PAD.right;
  const panelH = (HEIGHT - PAD.top - PAD.bottom - PAD.between) / 2;
  const x = (t) => PAD.left + ((t - data.from) / Math.max(1, data.to - data.from)) * plotW;
  const gap = (data.stepMs ?? 60_000) * 3;
  const panels = [
    { key: "waiting", label: options.labels.waiting, top: PAD.top, value: (p) => p.waiting },
    {
      key: "eta",
      label: options.labels.eta,
      top: PAD.top + panelH + PAD.between,
      value: (p) => (p.eta === null || p.eta === undefined ? null : p.eta / 60),
    },
  ];
  for (const panel of panels) drawPanel(svg, panel, points, { x, plotW, panelH, gap });
  drawTimeAxis(svg, data, options, { x, width, panelH });
  if (!points.length) {
    svg.append(node("text", { class: "chart-empty", x: width / 2, y: HEIGHT / 2, "text-anchor": "middle" }, options.labels.empty));
  }
  container.replaceChildren(svg);
  return svg;
}

function drawPanel(svg, panel, points, { x, plotW, panelH, gap }) {
  const values = points.map(panel.value).filter((v) => v !== null && v !== undefined);
  const step = niceStep(Math.max(0, ...values));
  const max = step * Math.max(1, Math.ceil(Math.max(0, ...values) / step));
  const y = (v) => panel.top + panelH - (v / max) * panelH;
  const group = node("g", { class: `chart-panel chart-${panel.key}` });
  group.append(node("text", { class: "chart-label", x: PAD.left, y: panel.top - 8 }, panel.label));
  for (let v = 0; v <= max; v += step) {
    group.append(node("line", { class: "chart-grid", x1: PAD.left, x2: PAD.left + plotW, y1: y(v), y2: y(v) }));
    group.append(node("text", { class: "chart-tick", x: PAD.left - 6, y: y(v) + 4, "text-anchor": "end" }, String(v)));
  }
  for (const line of segments(points, panel.value, gap)) {
    const d = line.map(([t, v], i) => `${i ? "L" : "M"}${x(t).toFixed(1)},${y(v).toFixed(1)}`).join("");
    if (panel.key === "waiting" && line.length > 1) {
      const base = y(0).toFixed(1);
      const area = `${d}L${x(line.at(-1)[0]).toFixed(1)},${base}L${x(line[0][0]).toFixed(1)},${base}Z`;
      group.append(node("path", { class: "chart-area", d: area }));
    }
    group.append(node("path", { class: "chart-line", d }));
  }
  const lastPoint = points.findLast((p) => panel.value(p) !== null && panel.value(p) !== undefined);
  if (lastPoint) {
    const value = panel.value(lastPoint);
    group.append(node("circle", { class: "chart-dot", cx: x(lastPoint.t), cy: y(value), r: 5 }));
    const label = Number.isInteger(value) ? String(value) : value.toFixed(1);
    group.append(node("text", { class: "chart-value", x: Math.min(x(lastPoint.t), PAD.left + plotW) - 8, y: y(value) - 9, "text-anchor": "end" }, label));
  }
  svg.append(group);
}

function drawTimeAxis(svg, data, options, { x, width }) {
  const axis = node("g", { class: "chart-axis" });
  const bottom = HEIGHT - PAD.bottom;
  for (const tick of hourTicks(data.from, data.to, width - PAD.left - PAD.right)) {
    axis.append(node("line", { class: "chart-hour", x1: x(tick), x2: x(tick), y1: PAD.top, y2: bottom }));
    axis.append(node("text", { class: "chart-tick", x: x(tick), y: bottom + 18, "text-anchor": "middle" }, hourLabel(tick, options.timeZone, options.lang)));
  }
  svg.append(axis);
}
