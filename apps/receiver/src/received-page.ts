import { escapeHtml } from '@front-counter/public-kit';
import type { ReceivedDelivery } from './receiver-state.js';

/** Inline styles only, so the policy can forbid every script and outside asset. */
export const PAGE_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:0;color:#0b0c0c;background:#fff;line-height:1.4}
main{max-width:80rem;margin:0 auto;padding:1rem 1.25rem 3rem}
.banner{background:#ffdd00;color:#0b0c0c;padding:.75rem 1.25rem;border-bottom:4px solid #0b0c0c}
.banner p{margin:0}
h1{font-size:2rem;margin:1.5rem 0 .5rem}
p.lead{margin:0 0 1.5rem;color:#505a5f}
table{border-collapse:collapse;width:100%;font-size:.95rem}
caption{text-align:left;font-weight:700;margin-bottom:.5rem}
th,td{text-align:left;padding:.5rem .75rem .5rem 0;border-bottom:1px solid #b1b4b6;vertical-align:top}
th{font-weight:700;white-space:nowrap}
td.id,td.when{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem;word-break:break-all}
.tag{display:inline-block;padding:.1rem .4rem;font-weight:700;font-size:.85rem;letter-spacing:.02em}
.valid{background:#cce2d8;color:#005a30}.invalid{background:#f4cdc6;color:#942514}.repeat{background:#e5e6e7;color:#383f43}
a{color:#1d70b8}a:visited{color:#4c2c92}a:focus{outline:3px solid #ffdd00;background:#ffdd00;color:#0b0c0c;text-decoration:none}
.empty{border:1px solid #b1b4b6;padding:1rem}
`;

/** The deliveries, newest first, in one table: a development tool, but plain and readable. */
export function receivedPage(deliveries: readonly ReceivedDelivery[], keep: number): string {
  const rows = [...deliveries].reverse().map(row).join('\n');
  const table = deliveries.length
    ? `<table>
<caption>Newest first (the last ${keep} are kept, in memory only)</caption>
<thead><tr><th scope="col">Received</th><th scope="col">Force</th><th scope="col">Event</th><th scope="col">Report</th><th scope="col">Signature</th><th scope="col">Answered</th><th scope="col">Webhook id</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
    : '<p class="empty">Nothing received yet. Deliveries to <code>POST /&lt;force&gt;</code> appear here.</p>';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Development receiver: ${deliveries.length} received</title>
<style>${STYLE}</style>
</head>
<body>
<header class="banner"><p><strong>Development back office: not for real use.</strong> It stands in for forces' records systems.</p></header>
<main>
<h1>Deliveries received</h1>
<p class="lead">${deliveries.length} kept. As JSON: <a href="/received.json">received.json</a>. <a href="/">Refresh</a></p>
${table}
</main>
</body>
</html>
`;
}

function row(delivery: ReceivedDelivery): string {
  const signature = delivery.signatureValid
    ? '<span class="tag valid">valid</span>'
    : `<span class="tag invalid">invalid</span> ${escapeHtml(delivery.verificationFailure ?? '')}`;
  const answered = [String(delivery.status), delivery.crimeNumber ? escapeHtml(delivery.crimeNumber) : '', delivery.duplicate ? '<span class="tag repeat">repeat</span>' : '']
    .filter(Boolean)
    .join(' ');
  return `<tr>
<td class="when"><a href="/received/${delivery.seq}.json">${escapeHtml(delivery.receivedAt)}</a></td>
<td>${escapeHtml(delivery.force)}</td>
<td>${escapeHtml(delivery.type ?? '')}</td>
<td>${escapeHtml(delivery.reference ?? '')}</td>
<td>${signature}</td>
<td>${answered}</td>
<td class="id">${escapeHtml(delivery.id ?? '')}</td>
</tr>`;
}
