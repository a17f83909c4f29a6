// The PAN-OS lab's software manager: the cached list versus the update
// server's, downloads and installs as jobs, and the refusals of a real firewall.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../src/lab/lab.js';
import { CMD, Client, doc, fw, until } from './panos-client.js';

let lab: Lab;
beforeAll(async () => {
  lab = await Lab.start({
    speed: 100,
    fleet: [
      fw('sw-fresh'), fw('sw-jobs'), fw('sw-path'), fw('sw-full', { faults: ['disk-full'] }),
      fw('sw-offline', { faults: ['update-unreachable', 'stale-info'] }), fw('sw-busy', { faults: ['busy'] }), fw('sw-busyjob', { faults: ['busy-job'] }),
      fw('sw-content', { faults: ['content-old'] }),
      fw('ha-1', { haPeer: 'ha-2', haRole: 'active' }), fw('ha-2', { haPeer: 'ha-1', haRole: 'passive' }),
    ],
  });
});
afterAll(async () => lab?.stop());

type Entry = { version: string; downloaded: string; current: string; latest: string; size: string; 'released-on': string; filename: string };
const versions = (xml: string): Entry[] => doc(xml).result['sw-updates'].versions?.entry ?? [];
const jobId = (xml: string) => String(doc(xml).result.job);

async function download(c: Client, v: string, sync = false) {
  const enq = await c.op(CMD.download(v, sync));
  expect(enq).toMatch(/^<response status="success" code="19"><result><msg><line>Download job enqueued with jobid (\d+)<\/line><\/msg><job>\1<\/job><\/result><\/response>$/);
  return c.waitJob(jobId(enq));
}

describe('PAN-OS lab: software list', () => {
  it('info lists only the running image until check asks the update server; afterwards info is the checked list', async () => {
    const c = new Client(lab, 'sw-fresh');
    const before = versions(await c.op(CMD.swInfo));
    expect(before.map((e) => e.version)).toEqual(['10.2.9-h1']);
    expect(before[0]).toMatchObject({ downloaded: 'yes', current: 'yes', filename: 'PanOS_3200-10.2.9-h1' });
    expect(doc(await c.op(CMD.swInfo)).result['sw-updates']['@last-updated-at']).toBe('');
    const checked = await c.op(CMD.swCheck);
    const list = versions(checked);
    expect(list.map((e) => e.version)).toEqual(expect.arrayContaining(['11.1.4-h7', '11.1.0', '12.1.2', '10.2.9-h1']));
    expect(list.map((e) => e.version)).not.toContain('12.1.0');
    expect(list[0]).toMatchObject({ version: '12.1.3', latest: 'yes' });
    expect(list.find((e) => e.version === '11.1.4-h7')).toMatchObject({ downloaded: 'no', current: 'no', latest: 'no', size: '671', 'released-on': '2024/12/04 17:26:02' });
    expect(Number(list.find((e) => e.version === '11.1.0')!.size)).toBeGreaterThan(1000);
    expect(doc(checked).result['sw-updates']['@last-updated-at']).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d$/);
    expect(versions(await c.op(CMD.swInfo)).map((e) => e.version)).toEqual(list.map((e) => e.version));
  });

  it('update-unreachable: check fails with the documented text, info still answers the old cached list', async () => {
    const c = new Client(lab, 'sw-offline');
    expect(await c.op(CMD.swCheck)).toBe('<response status="error"><msg><line><![CDATA[ Failed to check upgrade info due to Unknown error. Please check network connectivity and try again. ]]></line></msg></response>');
    const cached = await c.op(CMD.swInfo);
    expect(doc(cached).result['sw-updates']['@last-updated-at']).toBe('2024/06/03 04:12:40');
    const listed = versions(cached).map((e) => e.version);
    expect(listed).toContain('10.2.13-h5');
    expect(listed).not.toContain('11.1.4-h7');
    expect(await c.op('<request><support><check></check></support></request>')).toContain('Failed to check support info due to Unknown error.');
    expect(await c.op('<request><content><upgrade><check></check></upgrade></content></request>')).toContain('Failed to check content upgrade info');
  });

  it('refuses to download a version the last check did not offer', async () => {
    const c = new Client(lab, 'sw-jobs');
    const before = doc(await c.op(CMD.download('11.1.4-h7')));
    expect(before['@status']).toBe('error');
    expect(before.msg.line[0]).toContain("11.1.4-h7 is not a valid software version for download. Run 'request system software check'");
    await c.op(CMD.swCheck);
    expect(doc(await c.op(CMD.download('99.9.9')))['@status']).toBe('error');
  });
});

describe('PAN-OS lab: downloads and installs as jobs', () => {
  it('a download goes PEND (queued behind another) → ACT/PEND with progress → FIN/OK with its detail lines', async () => {
    const c = new Client(lab, 'sw-jobs');
    await c.op(CMD.swCheck);
    const first = jobId(await c.op(CMD.download('11.1.0')));
    const second = doc(await c.op(`<show><jobs><id>${jobId(await c.op(CMD.download('11.1.4-h7')))}</id></jobs></show>`)).result.job[0];
    expect(second).toMatchObject({ type: 'Downld', status: 'PEND', result: 'PEND', queued: 'YES', positionInQ: '1', tdeq: 'Still Queued', tfin: 'Still Active', progress: '0' });
    const progress = new Set<number>();
    await until('first download running', async () => {
      const j = doc(await c.op(`<show><jobs><id>${first}</id></jobs></show>`)).result.job[0];
      if (j.status === 'ACT') progress.add(Number(j.progress));
      return j.status === 'FIN' ? j : undefined;
    }, 20_000, 2);
    expect([...progress].some((p) => p > 0 && p < 100)).toBe(true);
    const done = await c.waitJob(second.id);
    expect(done.seen.at(-1)).toBe('FIN/OK');
    expect(done.job).toMatchObject({ progress: '100', queued: 'NO', details: { line: ['Successfully downloaded', 'Preloading into software manager', 'Successfully loaded into software manager'] } });
    expect(versions(await c.op(CMD.swInfo)).filter((e) => e.downloaded === 'yes').map((e) => e.version).sort()).toEqual(['10.2.9-h1', '11.1.0', '11.1.4-h7']);
    const all = doc(await c.op('<show><jobs><all></all></jobs></show>')).result.job as { id: string }[];
    expect(all.map((j) => Number(j.id))).toEqual([Number(second.id), Number(first)]);
  });

  it('installing another feature release needs its base image; with it downloaded the install job succeeds', async () => {
    const c = new Client(lab, 'sw-path');
    await c.op(CMD.swCheck);
    await download(c, '11.1.4-h7');
    const noBase = await c.waitJob(jobId(await c.op(CMD.install('11.1.4-h7'))));
    expect(noBase.job).toMatchObject({ type: 'SWInstall', status: 'FIN', result: 'FAIL' });
    expect(noBase.job.details.line).toEqual(['Failed to install 11.1.4-h7 with the following errors.', 'SW version is 11.1.4-h7', 'The base image 11.1.0 must be downloaded before installing 11.1.4-h7.', 'Failed to install   version  11.1.4-h7  type  panos']);
    await download(c, '11.1.0');
    const ok = await c.waitJob(jobId(await c.op(CMD.install('11.1.4-h7'))));
    expect(ok.seen).toEqual(['ACT/PEND', 'FIN/OK']);
    expect(lab.panos.firewall('sw-path').installed).toBe('11.1.4-h7');
  });

  it('refuses an install more than three feature releases ahead (12.1 from 10.2), whose base image is 12.1.2', async () => {
    const c = new Client(lab, 'sw-path');
    const notDownloaded = doc(await c.op(CMD.install('12.1.3')));
    expect(notDownloaded.msg.line[0]).toContain('Failed to install 12.1.3: the image has not been downloaded');
    await download(c, '12.1.2');
    await download(c, '12.1.3');
    const refused = await c.waitJob(jobId(await c.op(CMD.install('12.1.3'))));
    expect(refused.job.result).toBe('FAIL');
    expect(refused.job.details.line[2]).toBe('Upgrading from 10.2.9-h1 to 12.1.3 is not supported: it skips too many feature releases. Install a 11.2 release first.');
  });

  it('disk-full: a download that does not fit in /opt/panrepo fails', async () => {
    const c = new Client(lab, 'sw-full');
    expect(await c.op('<show><system><disk-space></disk-space></system></show>')).toMatch(/\s500M\s+\d+% \/opt\/panrepo/);
    await c.op(CMD.swCheck);
    const failed = await download(c, '11.1.0');
    expect(failed.job.result).toBe('FAIL');
    expect(failed.job.details.line[0]).toMatch(/^Failed to download PanOS_3200-11\.1\.0: not enough free space on \/opt\/panrepo \(1203 MB needed, 500 MB free\)/);
  });

  it('sync-to-peer copies the downloaded image to the HA peer', async () => {
    const c = new Client(lab, 'ha-1');
    await c.op(CMD.swCheck);
    const done = await download(c, '11.1.0', true);
    expect(done.job.details.line.at(-1)).toBe('Successfully synced the image to the HA peer');
    const peerList = versions(await new Client(lab, 'ha-2').op(CMD.swInfo));
    expect(peerList.find((e) => e.version === '11.1.0')?.downloaded).toBe('yes');
  });

  it('busy: the software manager refuses installs for a while, then accepts', async () => {
    const c = new Client(lab, 'sw-busy');
    await c.op(CMD.swCheck);
    await download(c, '10.2.13-h5');
    const first = await c.op(CMD.install('10.2.13-h5'));
    expect(first).toBe('<response status="error"><msg><line><![CDATA[ The software manager is currently in use. Please try again later. ]]></line></msg></response>');
    let refusals = 1;
    const accepted = await until('install accepted', async () => {
      const r = await c.op(CMD.install('10.2.13-h5'));
      if (r.includes('currently in use')) refusals++;
      return r.includes('Software install job enqueued') ? r : undefined;
    }, 20_000, 20);
    expect(refusals).toBeGreaterThan(1);
    expect((await c.waitJob(jobId(accepted))).job.result).toBe('OK');
  });

  it('busy-job: the install job is taken, then fails with the lines a busy software manager prints', async () => {
    const c = new Client(lab, 'sw-busyjob');
    await c.op(CMD.swCheck);
    await download(c, '10.2.13-h5');
    const failed = await c.waitJob(jobId(await c.op(CMD.install('10.2.13-h5'))));
    expect(failed.job.details.line).toEqual(['Failed to install 10.2.13-h5 with the following errors.', 'SW version is 10.2.13-h5', 'The software manager is currently in use. Please try again later.', 'Failed to install   version  10.2.13-h5  type  panos']);
  });

  it('content-old: the target refuses to install until newer content is checked, downloaded and installed', async () => {
    const c = new Client(lab, 'sw-content');
    await c.op(CMD.swCheck);
    await download(c, '11.1.0');
    await download(c, '11.1.4-h7');
    const refused = await c.waitJob(jobId(await c.op(CMD.install('11.1.4-h7'))));
    expect(refused.job.details.line[2]).toBe('Content version 8756 or later is required to install 11.1.4-h7 (installed: 8650-7911). Install a newer Applications and Threats content release first.');
    const check = doc(await c.op('<request><content><upgrade><check></check></upgrade></content></request>')).result['content-updates'];
    expect(check.entry.find((e: { current: string }) => e.current === 'yes').version).toBe('8650-7911');
    const dl = await c.waitJob(jobId(await c.op('<request><content><upgrade><download><latest></latest></download></upgrade></content></request>')));
    expect(dl.job).toMatchObject({ type: 'Downld', result: 'OK' });
    const inst = await c.waitJob(jobId(await c.op('<request><content><upgrade><install><version>latest</version></install></upgrade></content></request>')));
    expect(inst.job).toMatchObject({ type: 'Content', result: 'OK' });
    expect(doc(await c.op(CMD.info)).result.system['app-version']).toBe('8962-9233');
    expect((await c.waitJob(jobId(await c.op(CMD.install('11.1.4-h7'))))).job.result).toBe('OK');
  });
});
