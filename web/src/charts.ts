import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Band {
  from: number;
  to: number;
  severity: string;
  label: string;
}

/** A moment worth a vertical line, e.g. the agent began running another version. */
export interface Mark {
  at: number;
  label: string;
}

const SEVERITY_COLOUR: Record<string, string> = {
  CRITICAL: 'rgba(220, 38, 38, 0.22)',
  WARNING: 'rgba(234, 179, 8, 0.25)',
  INFO: 'rgba(59, 130, 246, 0.15)',
  /** A finding a silence covered: recorded, but it told nobody. */
  SILENCED: 'rgba(128, 128, 128, 0.22)',
};

/**
 * A time-series chart (uPlot) of one metric, with the findings that concern it drawn as
 * shaded spans behind the line (a point finding gets a thin one), and marks (version changes)
 * as dashed vertical lines labelled at the top. Times are Unix seconds.
 */
export function lineChart(target: HTMLElement, title: string, xs: number[], ys: Array<number | null>, bands: Band[], unit: string, marks: Mark[] = []): uPlot {
  const css = getComputedStyle(document.documentElement);
  const line = css.getPropertyValue('--accent').trim() || '#2563eb';
  const axis = css.getPropertyValue('--muted').trim() || '#666';
  const width = Math.max(280, target.clientWidth || 600);
  return new uPlot(
    {
      title,
      width,
      height: 200,
      scales: { x: { time: true } },
      axes: [{ stroke: axis, grid: { stroke: 'rgba(128,128,128,0.15)' } }, { stroke: axis, grid: { stroke: 'rgba(128,128,128,0.15)' }, label: unit }],
      series: [{}, { label: title, stroke: line, width: 1.5, spanGaps: false, points: { show: xs.length < 60 } }],
      hooks: {
        drawClear: [
          (u) => {
            const { ctx, bbox } = u;
            ctx.save();
            for (const band of bands) {
              const x0 = u.valToPos(band.from, 'x', true);
              const x1 = Math.max(u.valToPos(band.to, 'x', true), x0 + 3 * devicePixelRatio);
              if (x1 < bbox.left || x0 > bbox.left + bbox.width) continue;
              ctx.fillStyle = SEVERITY_COLOUR[band.severity] ?? SEVERITY_COLOUR.INFO!;
              ctx.fillRect(Math.max(x0, bbox.left), bbox.top, Math.min(x1, bbox.left + bbox.width) - Math.max(x0, bbox.left), bbox.height);
            }
            ctx.restore();
          },
        ],
        draw: [
          (u) => {
            const { ctx, bbox } = u;
            ctx.save();
            ctx.strokeStyle = axis;
            ctx.fillStyle = axis;
            ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
            ctx.font = `${11 * devicePixelRatio}px sans-serif`;
            for (const mark of marks) {
              const x = u.valToPos(mark.at, 'x', true);
              if (x < bbox.left || x > bbox.left + bbox.width) continue;
              ctx.beginPath();
              ctx.moveTo(x, bbox.top);
              ctx.lineTo(x, bbox.top + bbox.height);
              ctx.stroke();
              ctx.fillText(mark.label, x + 3 * devicePixelRatio, bbox.top + 11 * devicePixelRatio);
            }
            ctx.restore();
          },
        ],
      },
    },
    [xs, ys],
    target,
  );
}

/** Several series on one time axis over a fixed range (seconds), each with its own colour (e.g. agents by health). */
export function multiLineChart(
  target: HTMLElement,
  title: string,
  xs: number[],
  series: Array<{ label: string; ys: Array<number | null>; colour: string }>,
  unit: string,
  range: [from: number, to: number],
): uPlot {
  const axis = getComputedStyle(document.documentElement).getPropertyValue('--muted').trim() || '#666';
  return new uPlot(
    {
      title,
      width: Math.max(280, target.clientWidth || 600),
      height: 200,
      scales: { x: { time: true, range: () => range } },
      axes: [{ stroke: axis, grid: { stroke: 'rgba(128,128,128,0.15)' } }, { stroke: axis, grid: { stroke: 'rgba(128,128,128,0.15)' }, label: unit }],
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.colour, width: 1.5, spanGaps: false, points: { show: xs.length < 60 } }))],
    },
    [xs, ...series.map((s) => s.ys)],
    target,
  );
}
