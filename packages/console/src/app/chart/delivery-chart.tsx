import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { MINUTE_MS, RATE_TYPES, type DeliveryRate } from './delivery-rate.js';

// The chart itself, drawn by uPlot. This module (with uPlot and its stylesheet) is loaded only by the
// overview, after the first paint: it is not part of the console's first load.

const HEIGHT = 220;
const LABELS: Record<(typeof RATE_TYPES)[number], string> = { delivered: 'Delivered', deferred: 'Deferred', failed: 'Failed' };

/** The colours of the current scheme, from the stylesheet's custom properties. */
function palette(element: Element) {
  const style = getComputedStyle(element);
  const color = (name: string) => style.getPropertyValue(name).trim();
  return { fg: color('--muted'), grid: color('--line'), delivered: color('--chart-delivered'), deferred: color('--chart-deferred'), failed: color('--chart-failed') };
}

/** In seconds, as uPlot takes time; a last point at the end of the current minute closes its step. */
function toData(rate: DeliveryRate): uPlot.AlignedData {
  const end = rate.minutes.at(-1)! + MINUTE_MS;
  return [[...rate.minutes, end].map((m) => m / 1000), ...RATE_TYPES.map((type) => [...rate.counts[type], rate.counts[type].at(-1)!])];
}

function options(element: HTMLElement, width: number): uPlot.Options {
  const colors = palette(element);
  const axis = { stroke: colors.fg, grid: { stroke: colors.grid, width: 1 }, ticks: { stroke: colors.grid, width: 1 } };
  return {
    width,
    height: HEIGHT,
    // Counts per minute: each value holds for its minute.
    series: [{}, ...RATE_TYPES.map((type) => ({ label: LABELS[type], stroke: colors[type], width: 2, paths: uPlot.paths.stepped!({ align: 1 }), points: { show: false } }))],
    scales: { y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
    axes: [axis, { ...axis, size: 40, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000] }],
    cursor: { show: false, drag: { x: false, y: false } },
    // The series' names and colours only: the values are in the caption and the table.
    legend: { live: false },
  };
}

/** The last hour's outcomes per minute as lines, sized to its container and redrawn in the other colour scheme when it changes. */
export function DeliveryChart({ rate }: { readonly rate: DeliveryRate }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(rate);
  latest.current = rate;

  useEffect(() => {
    const element = box.current!;
    const create = () => {
      plot.current?.destroy();
      plot.current = new uPlot(options(element, element.clientWidth), toData(latest.current), element);
    };
    create();
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: element.clientWidth, height: HEIGHT }));
    resize.observe(element);
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', create);
    return () => {
      resize.disconnect();
      scheme.removeEventListener('change', create);
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData(toData(rate));
  }, [rate]);

  return <div class="rate-chart" ref={box} aria-hidden="true" />;
}
