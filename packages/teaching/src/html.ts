import type { Tensor } from '@chainrule/autograd';
import { formatTrace } from './explain.js';
import { buildTrace } from './chain-rule-trace.js';
import { recordBackward } from './backward-record.js';
import { PALETTE, buildPicture } from './picture.js';
import { type SvgOptions, escapeXml, renderSvg } from './svg.js';

/** Options of `toHtml`. */
export interface HtmlOptions extends SvgOptions {
  /** Add the chain-rule trace under the picture (default true when there are gradients to show). */
  trace?: boolean;
}

/**
 * A self-contained HTML page (no scripts, no network) with the graph picture, a legend and the
 * chain-rule trace. Open it in any browser.
 * @example
 * ```ts
 * writeFileSync('f.html', toHtml(f, { title: 'f = (x + y)·z' }));
 * ```
 */
export function toHtml(y: Tensor, options: HtmlOptions = {}): string {
  const picture = buildPicture(y, 'toHtml', options);
  const title = options.title ?? `Graph of ${picture.graph.root.label}`;
  const svg = renderSvg(picture, { ...options, title: undefined });
  const canTrace = y.requiresGrad && (y.numel() === 1 || options.gradOutput !== undefined) && (options.grads ?? true);
  const traceText =
    (options.trace ?? true) && canTrace
      ? formatTrace(buildTrace(picture.graph, recordBackward(picture.graph, 'toHtml', options.gradOutput)), options)
      : undefined;
  const swatch = (fill: string, stroke: string, extra = ''): string =>
    `<span class="swatch" style="background:${fill};border-color:${stroke};${extra}"></span>`;
  const legend =
    `${swatch(PALETTE.op.fill, PALETTE.op.stroke)}op` +
    `${swatch(PALETTE.parameter.fill, PALETTE.parameter.stroke)}parameter (leaf with grad)` +
    `${swatch(PALETTE.leaf.fill, PALETTE.leaf.stroke, 'border-style:dashed;')}leaf (data or constant)` +
    `${swatch('#fff', PALETTE.output.stroke, 'border-style:double;border-width:4px;')}output`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>
  body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 24px; color: #1d1d1d; \
background: #fff; }
  h1 { font-size: 20px; margin: 0 0 8px; }
  .legend { font-size: 13px; margin: 0 0 16px; }
  .legend .swatch { display: inline-block; width: 14px; height: 14px; border: 2px solid; border-radius: 4px; \
vertical-align: middle; margin: 0 4px 0 14px; }
  .graph { overflow: auto; border: 1px solid #ddd; border-radius: 6px; padding: 8px; }
  .graph svg { max-width: 100%; height: auto; }
  pre { font-size: 13px; background: #f7f7f7; padding: 12px; border-radius: 6px; overflow: auto; }
</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
<p class="legend">From the inputs to the output; each box: name · op, shape, value, grad \
(∂${escapeXml(picture.graph.root.label)}/∂node).
${legend}</p>
<div class="graph">
${svg}</div>
${traceText === undefined ? '' : `<h2>Chain rule</h2>\n<pre>${escapeXml(traceText)}</pre>\n`}</body>
</html>
`;
}
