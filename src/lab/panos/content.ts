// Applications and Threats content: `request content upgrade check`, then
// download and install as jobs. A feature release refuses to install while
// the installed content is older than it needs (see software.ts).
import type { PanosFault } from '../faults.js';
import { panDate } from './format.js';
import type { JobList } from './jobs.js';
import { cdata, errorMsg, Raw, success, xmlOf } from './xml.js';

export const CONTENT_RELEASES: { version: string; releasedOn: string; sizeMb: number }[] = [
  { version: '8650-7911', releasedOn: '2024/12/10 18:02:44 UTC', sizeMb: 61 },
  { version: '8799-8509', releasedOn: '2025/06/24 17:41:09 UTC', sizeMb: 63 },
  { version: '8962-9233', releasedOn: '2026/01/13 19:12:30 UTC', sizeMb: 66 },
];
const LATEST = CONTENT_RELEASES[CONTENT_RELEASES.length - 1].version;
const UNREACHABLE = 'Failed to check content upgrade info due to Unknown error. Please check network connectivity and try again.';

export class ContentManager {
  installed: string;
  private cache: number | null = null;
  private readonly downloaded = new Set<string>();

  constructor(private readonly faults: Set<PanosFault>, private readonly jobs: JobList, private readonly jobMs: (factor: number) => number) {
    this.installed = faults.has('content-old') ? CONTENT_RELEASES[0].version : LATEST;
    this.downloaded.add(this.installed);
  }

  check(): string {
    if (this.faults.has('update-unreachable')) return errorMsg(UNREACHABLE);
    this.cache = Date.now();
    return success(xmlOf({ 'content-updates': {
      '@last-updated-at': panDate(this.cache),
      'entry*': CONTENT_RELEASES.map((r) => ({
        version: r.version, 'app-version': r.version, filename: `panupv2-all-contents-${r.version}`, size: r.sizeMb, 'size-kb': r.sizeMb * 1024 + 87,
        'released-on': r.releasedOn, 'release-notes': new Raw(cdata(` https://proditpdownloads.paloaltonetworks.com/content/content-${r.version}.html `)),
        downloaded: this.downloaded.has(r.version) ? 'yes' : 'no', current: r.version === this.installed ? 'yes' : 'no', previous: 'no', installing: 'no',
        features: 'Apps, Threats', 'update-type': 'Full', 'feature-desc': 'Unknown', sha256: fakeSha(r.version),
      })),
    } }));
  }

  /** `request content upgrade download latest`. */
  download(): string {
    if (this.cache === null) return errorMsg("No content updates are known yet. Run 'request content upgrade check' first.");
    const job = this.jobs.add('Downld', 'content', this.jobMs(0.4), () => {
      this.downloaded.add(LATEST);
      return { ok: true, lines: ['Successfully downloaded', `panupv2-all-contents-${LATEST} saved`] };
    });
    return success(`<msg><line>Download job enqueued with jobid ${job.id}</line></msg><job>${job.id}</job>`, 19);
  }

  /** `request content upgrade install version "latest"` (or a downloaded version). */
  install(version: string | undefined): string {
    const v = !version || version === 'latest' ? [...this.downloaded].sort().at(-1)! : version;
    if (!this.downloaded.has(v)) return errorMsg(`Content version ${v} has not been downloaded`);
    const job = this.jobs.add('Content', 'content', this.jobMs(0.6), () => {
      this.installed = v;
      return { ok: true, lines: [`Successfully installed content version ${v}`, 'Configuration committed successfully'] };
    });
    return success(`<msg><line>Content install job enqueued with jobid ${job.id}</line></msg><job>${job.id}</job>`, 19);
  }
}

function fakeSha(v: string): string {
  let h = 0x811c9dc5;
  let out = '';
  for (let i = 0; out.length < 64; i++) {
    h = Math.imul(h ^ v.charCodeAt(i % v.length) ^ i, 16_777_619) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, 64);
}
